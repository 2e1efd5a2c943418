package io.sam4j;

/**
 * The one exception type sam4j throws for bad input and failed operations.
 *
 * <p>Every message names the problem and, where there is one, what to do about it. The {@link Kind}
 * lets callers (the CLI, a server) react without parsing the message.
 */
public class SamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in broad classes a caller can act on. */
  public enum Kind {
    /** A file does not exist or cannot be read. */
    IO,
    /** A checkpoint is truncated, malformed or not a model file. */
    BAD_CHECKPOINT,
    /** A checkpoint tries to do something a state dict never does (call code, escape the archive). */
    HOSTILE_CHECKPOINT,
    /** A checkpoint is readable but is not an architecture sam4j knows, or a spec does not fit it. */
    UNSUPPORTED_MODEL,
    /** An image cannot be decoded or is too large. */
    BAD_IMAGE,
    /** A prompt is invalid (NaN coordinates, inverted box, unknown label...). */
    BAD_PROMPT,
    /** Any other invalid argument. */
    BAD_INPUT,
    /** The inference runtime failed. */
    RUNTIME
  }

  private final Kind kind;

  public SamException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SamException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The class of the problem. */
  public Kind kind() {
    return kind;
  }
}
