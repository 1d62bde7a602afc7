import { Context } from "grammy";
import type { Logger } from "../logger.ts";

/** grammY's context plus a child logger for the update being handled. */
export class BotContext extends Context {
  log!: Logger;
}
