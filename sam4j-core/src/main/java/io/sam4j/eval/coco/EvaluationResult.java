package io.sam4j.eval.coco;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The instances of an evaluation and their means. mIoU is the mean IoU pooled over every instance
 * of every image, NaN IoUs (empty union) dropped, as EdgeSAM's {@code eval_mIoU.py} computes it.
 *
 * @param prompt how the prompts were derived
 * @param clicks refinement clicks after the initial prompt
 * @param instances one result per evaluated annotation
 */
public record EvaluationResult(PromptKind prompt, int clicks, List<InstanceResult> instances) {
  public EvaluationResult {
    instances = List.copyOf(instances);
  }

  /** mIoU after the last click. */
  public double miou() {
    return miou(clicks, r -> true);
  }

  /** mIoU after click {@code k} (0 = the initial prompt) over the instances {@code filter} keeps. */
  public double miou(int k, Predicate<InstanceResult> filter) {
    double sum = 0;
    int n = 0;
    for (InstanceResult r : instances) {
      double v = r.ious()[k];
      if (filter.test(r) && !Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** mIoU per category id. */
  public Map<Long, Double> perCategory() {
    Map<Long, Double> out = new TreeMap<>();
    for (InstanceResult r : instances) {
      out.computeIfAbsent(r.categoryId(), c -> miou(clicks, x -> x.categoryId() == c));
    }
    return out;
  }

  /** The JSON report ({@code "mIoU"}, per click, per category, per area, per annotation). */
  public ObjectNode toJson(Map<Long, String> categoryNames) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    put(o, "mIoU", miou());
    o.put("prompt", prompt.id());
    o.put("clicks", clicks);
    o.put("instances", instances.size());
    ArrayNode per = o.putArray("mIoU_per_click");
    for (int k = 0; k <= clicks; k++) {
      add(per, miou(k, r -> true));
    }
    ObjectNode cats = o.putObject("per_category");
    perCategory().forEach((c, v) -> {
      ObjectNode n = cats.putObject(Long.toString(c));
      n.put("name", categoryNames.getOrDefault(c, ""));
      put(n, "mIoU", v);
      n.put("instances", instances.stream().filter(r -> r.categoryId() == c).count());
    });
    ObjectNode areas = o.putObject("per_area");
    for (String a : new String[] {"small", "medium", "large"}) {
      ObjectNode n = areas.putObject(a);
      put(n, "mIoU", miou(clicks, r -> r.areaRange().equals(a)));
      n.put("instances", instances.stream().filter(r -> r.areaRange().equals(a)).count());
    }
    ArrayNode anns = o.putArray("annotations");
    for (InstanceResult r : instances) {
      ObjectNode n = anns.addObject();
      n.put("id", r.id());
      n.put("image_id", r.imageId());
      n.put("category_id", r.categoryId());
      put(n, "iou", r.iou());
      ArrayNode ious = n.putArray("ious");
      for (double v : r.ious()) {
        add(ious, v);
      }
    }
    return o;
  }

  static void put(ObjectNode n, String k, double v) {
    if (Double.isFinite(v)) {
      n.put(k, v);
    } else {
      n.putNull(k);
    }
  }

  static void add(ArrayNode a, double v) {
    if (Double.isFinite(v)) {
      a.add(v);
    } else {
      a.addNull();
    }
  }
}
