import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { Config } from "./config";

export type { Logger };

/**
 * Secrets never reach the logs, whichever object carries them. Paths are
 * pino's redaction syntax; `*` matches one level.
 */
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  "headers.authorization",
  "headers.cookie",
  'headers["x-api-key"]',
  "*.password",
  "*.accessToken",
  "*.refreshToken",
  "*.token",
];

/**
 * The process logger: JSON lines (one object per line, what log shippers
 * expect) everywhere except an interactive development terminal, where
 * pino-pretty (a dev dependency, loaded only then) makes them readable.
 */
export function createLogger(
  config: Pick<Config, "NODE_ENV" | "LOG_LEVEL">,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    base: { service: "loomline-api" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // ISO timestamps read well in any log viewer and sort as text.
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!destination && config.NODE_ENV === "development" && process.stdout.isTTY && hasPrettyPrinter()) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" },
      },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A child logger whose every line names the request it belongs to. */
export function requestLogger(logger: Logger, requestId: string): Logger {
  return logger.child({ requestId });
}

function hasPrettyPrinter(): boolean {
  try {
    require.resolve("pino-pretty");
    return true;
  } catch {
    // A production install without dev dependencies: plain JSON it is.
    return false;
  }
}
