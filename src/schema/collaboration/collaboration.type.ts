import { builder } from "../../builder";
import { NotificationType as NotificationTypeValues } from "../../generated/prisma/enums";
import { uuidNode } from "../../graphql/node-id";
import { prismaEnum } from "../../graphql/prisma-enum";
import { PublicProfile, publicProfileLoader } from "../user/public-profile";

/**
 * Notifications and messages: each user reads only their own (RLS: the
 * recipient, and for messages the sender). Created by the database's
 * triggers (notifications) and delivered live by `notificationReceived`
 * and `messageReceived` (src/schema/realtime).
 */

export const NotificationType = prismaEnum("NotificationType", NotificationTypeValues);

export const Notification = builder.prismaNode("Notification", {
  ...uuidNode,
  authScopes: { person: true },
  fields: (t) => ({
    type: t.expose("type", { type: NotificationType }),
    title: t.exposeString("title"),
    body: t.exposeString("body", { nullable: true }),
    data: t.expose("data", { type: "JSON", description: "Ids of what it is about (orderId, stageId, …)." }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const Message = builder.prismaNode("Message", {
  ...uuidNode,
  authScopes: { person: true },
  fields: (t) => ({
    subject: t.exposeString("subject", { nullable: true }),
    body: t.exposeString("body"),
    attachments: t.expose("attachments", { type: ["URL"] }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    senderId: t.expose("senderId", { type: "UUID", nullable: true }),
    sender: t.field({
      type: PublicProfile,
      nullable: true,
      description: "The sender's public profile; null where the caller may not see it.",
      select: { senderId: true },
      resolve: (message, _args, context) =>
        message.senderId ? publicProfileLoader(context).load(message.senderId) : null,
    }),
    order: t.relation("order", { nullable: true, description: "The order it is about, if any." }),
  }),
});
