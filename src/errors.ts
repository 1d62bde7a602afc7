/**
 * Errors by cause. Callers decide by class: an `InputError` is answered to the user, an
 * `UpstreamRefusedError` is not retried, an `UpstreamFailedError` is.
 */

/** What we were given is unusable (a malformed command, a broken page, a bad file). */
export class InputError extends Error {
  override name = "InputError";
  /** Safe to show to the user, in Chinese. */
  readonly userMessage: string;
  constructor(message: string, options: { userMessage?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.userMessage = options.userMessage ?? message;
  }
}

/** An upstream said no (HTTP 4xx, Telegram 4xx): retrying the same request will not help. */
export class UpstreamRefusedError extends Error {
  override name = "UpstreamRefusedError";
  constructor(
    message: string,
    readonly status: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** An upstream failed (HTTP 5xx, network, timeout): worth retrying later. */
export class UpstreamFailedError extends Error {
  override name = "UpstreamFailedError";
  constructor(
    message: string,
    readonly status?: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
