/**
 * Video: frame sources and (to come) tracking objects through a clip with the SAM 2 family's
 * memory.
 */
package io.sam4j.video;
