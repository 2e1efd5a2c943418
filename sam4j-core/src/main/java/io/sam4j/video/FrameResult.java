package io.sam4j.video;

import java.util.List;

/**
 * The objects on one frame, in the order their ids were first added (the reference's
 * {@code obj_ids}).
 */
public record FrameResult(int frameIdx, List<ObjectResult> objects) {
  public FrameResult {
    objects = List.copyOf(objects);
  }

  /** The object ids, in output order. */
  public List<Integer> objectIds() {
    return objects.stream().map(ObjectResult::objId).toList();
  }

  /** The result of one object. */
  public ObjectResult object(int objId) {
    for (ObjectResult o : objects) {
      if (o.objId() == objId) {
        return o;
      }
    }
    throw new io.sam4j.SamException(io.sam4j.SamException.Kind.BAD_INPUT, "object id " + objId
        + " is not on frame " + frameIdx + "; its objects are " + objectIds());
  }
}
