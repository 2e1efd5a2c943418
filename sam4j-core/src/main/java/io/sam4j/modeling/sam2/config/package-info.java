/**
 * What a SAM 2-family model is, before any graph is built: the hydra YAML reader ({@link
 * io.sam4j.modeling.sam2.config.Sam2Config}, over the official configs built into the jar), the
 * immutable spec records it makes ({@link io.sam4j.modeling.sam2.config.Sam2ModelSpec} with its
 * trunk, neck and heads specs), and the detection of the family and official config from a state
 * dict ({@link io.sam4j.modeling.sam2.config.Sam2Detector}). A config is read as data, never run:
 * every {@code _target_} must name one of the reference classes sam4j knows, an unknown name is
 * refused with a message listing the known ones, and nothing named in a config is ever
 * instantiated. The network modules that turn these specs into graphs live in {@link
 * io.sam4j.modeling.sam2}.
 */
package io.sam4j.modeling.sam2.config;
