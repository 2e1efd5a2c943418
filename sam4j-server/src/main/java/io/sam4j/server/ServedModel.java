package io.sam4j.server;

import io.sam4j.SamModel;

/**
 * A model the server offers: the name clients choose it by, its family and architecture.
 *
 * @param name the name in API calls ({@code ?model=NAME})
 * @param family the family (sam, mobilesam, sam2, ...)
 * @param model the loaded model, shared by all requests (the server does not close it)
 */
public record ServedModel(String name, String family, SamModel model) {
  /** A served model named {@code name}, its family read from the model's spec. */
  public static ServedModel of(String name, SamModel model) {
    return new ServedModel(name, model.sam2Spec()
        .map(s -> s.family().name().toLowerCase(java.util.Locale.ROOT))
        .orElseGet(() -> familyOf(model.spec().name())), model);
  }

  /** The family of an architecture name: vit_t is MobileSAM, vit_b/l/h are SAM. */
  static String familyOf(String architecture) {
    switch (architecture) {
      case "vit_t":
        return "mobilesam";
      case "vit_b":
      case "vit_l":
      case "vit_h":
        return "sam";
      default:
        return architecture.startsWith("vit") ? "sam" : architecture;
    }
  }
}
