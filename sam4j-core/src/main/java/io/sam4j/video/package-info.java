/**
 * Video: frame sources ({@link io.sam4j.video.FrameSource}, {@link
 * io.sam4j.video.FolderFrameSource}) and tracking objects through a clip with the SAM 2 family's
 * memory ({@link io.sam4j.video.VideoTracker}, opened by {@link
 * io.sam4j.SamModel#newTracker}; results {@link io.sam4j.video.FrameResult} and {@link
 * io.sam4j.video.ObjectResult}). The state is typed ({@code ObjectState}, {@code FrameOutput},
 * {@code MemorySelection}) and bounded ({@code MemoryStore}, {@link
 * io.sam4j.video.TrackerOptions}); the networks are a {@link io.sam4j.video.VideoModel}, whose
 * family-specific parts come from a {@link io.sam4j.video.VideoArchitecture}.
 */
package io.sam4j.video;
