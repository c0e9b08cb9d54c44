// tsconfig's node10 resolution does not read package "exports", which is
// where graphql-ws declares its `use/ws` entry; Node and tsx do. The types
// of that entry, by their file path:
declare module "graphql-ws/use/ws" {
  export * from "graphql-ws/dist/use/ws";
}
