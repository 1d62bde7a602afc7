import { createHash } from "node:crypto";

/** A stable id from a canonical URL: short, URL-safe, never integer-like (BullMQ ids refuse those). */
export function announcementId(canonicalUrl: string): string {
  return "a" + createHash("sha256").update(canonicalUrl).digest("base64url").slice(0, 15);
}
