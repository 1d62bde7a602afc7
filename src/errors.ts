/**
 * Errors by cause. Callers decide by class: an `InputError` is answered to the user or logged,
 * an `UpstreamRefusedError` is not retried, an `UpstreamFailedError` is. `permanent` says whether
 * the same attempt can ever succeed, which is what a job needs to know.
 */
export abstract class CausedError extends Error {
  abstract readonly permanent: boolean;
  /** The address involved, when there is one. */
  readonly url: string | undefined;
  /** What to tell the person whose request failed, in Chinese, when it is theirs to know. */
  readonly userMessage: string | undefined;
  constructor(
    message: string,
    options: { url?: string | undefined; cause?: unknown; userMessage?: string | undefined } = {},
  ) {
    super(message, { cause: options.cause });
    this.url = options.url;
    this.userMessage = options.userMessage;
  }
}

/** What we were given is unusable: a malformed command, a broken or oversized page, a bad file or URL. */
export class InputError extends CausedError {
  override name = "InputError";
  readonly permanent = true;
  /** Safe to show to the user, in Chinese. */
  declare readonly userMessage: string;
  constructor(message: string, options: { userMessage?: string; url?: string; cause?: unknown } = {}) {
    super(message, { ...options, userMessage: options.userMessage ?? message });
  }
}

/**
 * A fetch we refuse to make: the address is on the host's own network (loopback, private,
 * link-local…) and the source did not opt in, or a redirect or link leads to a host the source
 * does not declare. Permanent: the same page will lead to the same place.
 */
export class RefusedTargetError extends InputError {
  override name = "RefusedTargetError";
}

/**
 * An upstream said no (HTTP 4xx, Telegram 4xx, a rejected certificate, redirect circles): asking
 * again at once will not help. Only 408 and 429 may pass later, so only they are not permanent.
 */
export class UpstreamRefusedError extends CausedError {
  override name = "UpstreamRefusedError";
  readonly permanent: boolean;
  constructor(
    message: string,
    readonly status: number,
    options: { url?: string; cause?: unknown; userMessage?: string } = {},
  ) {
    super(message, options);
    this.permanent = status !== 408 && status !== 429;
  }
}

/** An upstream failed (HTTP 5xx, network, timeout): worth retrying later. */
export class UpstreamFailedError extends CausedError {
  override name = "UpstreamFailedError";
  readonly permanent = false;
  readonly status: number | undefined;
  constructor(
    message: string,
    options: { status?: number | undefined; url?: string; cause?: unknown; userMessage?: string } = {},
  ) {
    super(message, options);
    this.status = options.status;
  }
}

/** What to tell a person about an error: an InputError's own Chinese message, else the message. */
export function messageForPeople(error: unknown): string {
  if (error instanceof InputError) return error.userMessage;
  return error instanceof Error ? error.message : String(error);
}

/** Whether trying the same thing again can help: false for every error whose cause is known to persist. */
export function isPermanent(error: unknown): boolean {
  return error instanceof CausedError && error.permanent;
}
