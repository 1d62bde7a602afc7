/**
 * Why fetching or reading a source failed. `permanent` errors will fail the same way on retry
 * (the worker gives up on them at once); the others are worth retrying with backoff.
 */
export abstract class IngestError extends Error {
  abstract readonly permanent: boolean;
  constructor(
    message: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The site answered with a 4xx, sent us in redirect circles, or showed a bad certificate: asking
 * again at once will not help. Only 408 and 429 may pass later, so only they are not permanent.
 */
export class UpstreamRefusedError extends IngestError {
  override name = "UpstreamRefusedError";
  readonly permanent: boolean;
  constructor(
    url: string,
    readonly status: number,
    message = `HTTP ${status} from ${url}`,
  ) {
    super(message, url);
    this.permanent = status !== 408 && status !== 429;
  }
}

/** The site failed (5xx), timed out, or the network did: likely to pass. */
export class UpstreamFailedError extends IngestError {
  override name = "UpstreamFailedError";
  readonly permanent = false;
  constructor(
    message: string,
    url: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, url, options);
  }
}

/** What we were given or sent cannot be used: a non-http URL, an oversized page, a missing file. */
export class BadInputError extends IngestError {
  override name = "BadInputError";
  readonly permanent = true;
}
