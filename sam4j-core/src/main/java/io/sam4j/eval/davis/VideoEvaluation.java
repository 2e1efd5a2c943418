package io.sam4j.eval.davis;

import io.sam4j.SamException;
import io.sam4j.registry.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a results folder against a DAVIS-format dataset with the official DAVIS 2017
 * semi-supervised J&F protocol ({@code davis2017/evaluation.py}):
 *
 * <ul>
 *   <li>the objects of a sequence are 1..max label of its first annotation frame (255 = void, set
 *       to 0, then counted as background);
 *   <li>the first and the last frame are not evaluated;
 *   <li>results are {@code <results>/<seq>/<frame>.png}, indexed-palette PNGs whose index is the
 *       object id; ids above the sequence's object count are an error, missing ids score as empty
 *       masks.
 * </ul>
 *
 * <pre>{@code
 * VideoMetrics m = new VideoEvaluation(Path.of("DAVIS"), Path.of("results"), "val", List.of())
 *     .evaluate(ProgressListener.NONE);
 * System.out.println(m.jfMean());
 * }</pre>
 *
 * @param davisRoot the dataset folder (flat or official {@code 480p} layout, see {@link DavisDataset})
 * @param results the results folder, one sub-folder per sequence
 * @param set the image set whose {@code ImageSets/<set>.txt} lists the sequences ({@code "val"})
 * @param sequences the sequences to evaluate; empty = every sequence of the set
 */
public record VideoEvaluation(Path davisRoot, Path results, String set, List<String> sequences) {

  public VideoEvaluation {
    sequences = List.copyOf(sequences);
  }

  /**
   * Evaluates every sequence.
   *
   * @throws SamException naming the sequence and frame for a missing result, frames of different
   *     sizes, or a result with more objects than the annotation
   */
  public VideoMetrics evaluate(ProgressListener progress) {
    DavisDataset ds = DavisDataset.open(davisRoot);
    if (!Files.isDirectory(results)) {
      throw new SamException(SamException.Kind.IO, "results folder " + results + " does not exist");
    }
    List<String> seqs = sequences.isEmpty() ? ds.sequences(set) : sequences;
    List<ObjectScores> all = new ArrayList<>();
    progress.begin("evaluating sequences", 0, seqs.size());
    try {
      int done = 0;
      for (String seq : seqs) {
        all.addAll(evaluateSequence(ds, seq));
        progress.update(++done);
      }
    } finally {
      progress.end();
    }
    return new VideoMetrics(all);
  }

  private List<ObjectScores> evaluateSequence(DavisDataset ds, String seq) {
    List<String> frames = ds.frames(seq);
    LabelMap first = ds.annotation(seq, frames.get(0));
    int w = first.width();
    int h = first.height();
    int nObjects = first.maxLabel(255);
    List<String> evaluated = frames.size() > 2 ? frames.subList(1, frames.size() - 1) : List.of();
    int n = evaluated.size();
    List<LabelMap> gts = new ArrayList<>();
    List<LabelMap> res = new ArrayList<>();
    int nResult = 0;
    for (int i = 1; i < frames.size(); i++) {
      String frame = frames.get(i);
      LabelMap gt = ds.annotation(seq, frame);
      checkSize(gt, w, h, "annotation " + seq + "/" + frame + ".png", "the first annotation frame");
      if (i < frames.size() - 1) {
        gts.add(gt);
      }
    }
    for (String frame : evaluated) {
      Path p = results.resolve(seq).resolve(frame + ".png");
      if (!Files.isRegularFile(p)) {
        throw new SamException(SamException.Kind.BAD_INPUT, "result frame " + p + " is missing:"
            + " results must be indexed PNGs <results>/<sequence>/<frame>.png for every annotated"
            + " frame of the sequence");
      }
      LabelMap r = LabelMap.read(p);
      checkSize(r, w, h, "result " + seq + "/" + frame + ".png", "the annotations");
      res.add(r);
      nResult = Math.max(nResult, r.maxLabel(-1));
    }
    if (nResult > nObjects) {
      throw new SamException(SamException.Kind.BAD_INPUT, "results of sequence '" + seq + "' hold"
          + " object id " + nResult + " but its first annotation frame has " + nObjects
          + " objects (the PNG index must be the object id)");
    }
    // objects are independent: score them on all cores, keep the object order
    ObjectScores[] out = new ObjectScores[nObjects];
    java.util.stream.IntStream.rangeClosed(1, nObjects).parallel().forEach(obj -> {
      double[] j = new double[n];
      double[] f = new double[n];
      for (int i = 0; i < n; i++) {
        boolean[] gt = gts.get(i).binary(obj);
        boolean[] pr = res.get(i).binary(obj);
        j[i] = DavisMetrics.jaccard(gt, pr);
        f[i] = DavisMetrics.fMeasure(pr, gt, h, w);
      }
      out[obj - 1] = new ObjectScores(seq, obj, evaluated, j, f, DavisStatistics.of(j),
          DavisStatistics.of(f));
    });
    return List.of(out);
  }

  private static void checkSize(LabelMap m, int w, int h, String what, String ref) {
    if (m.width() != w || m.height() != h) {
      throw new SamException(SamException.Kind.BAD_INPUT, what + " is " + m.width() + "x"
          + m.height() + " but " + ref + " is " + w + "x" + h + ": every frame of a sequence must"
          + " have the same size");
    }
  }
}
