// Mask codecs shared by both pages: COCO RLE (the JSON answers; pycocotools' compressed string,
// column-major) and the bit-packed binary predict answer ("format": "bits", docs/API.md).

/** A mask of h x w pixels as packed bits (row-major, most significant bit first). */
export class PackedMask {
  constructor(packed, h, w) {
    Object.assign(this, { packed, h, w, cachedBits: null, cachedRle: null });
  }
  /** Row-major 0/1 bytes, unpacked on first use. */
  get bits() {
    if (!this.cachedBits) {
      const out = new Uint8Array(this.h * this.w), p = this.packed;
      for (let b = 0; b < p.length; b++) {
        const v = p[b];
        if (!v) continue;
        const i = b << 3, end = Math.min(8, out.length - i);
        for (let k = 0; k < end; k++) out[i + k] = (v >> (7 - k)) & 1;
      }
      this.cachedBits = out;
    }
    return this.cachedBits;
  }
  /** COCO RLE {size, counts}, encoded on first use (exports, tests). */
  get rle() {
    if (!this.cachedRle) this.cachedRle = Rle.encode(this.bits, this.h, this.w);
    return this.cachedRle;
  }
}

/** A mask given as COCO RLE, decoded on first use. */
export class RleMask {
  constructor(rle) {
    Object.assign(this, { rle, h: rle.size[0], w: rle.size[1], cachedBits: null });
  }
  get bits() {
    if (!this.cachedBits) this.cachedBits = Rle.decode(this.rle);
    return this.cachedBits;
  }
}

/** Reads a binary predict answer: {header (the JSON part), masks: PackedMask[] in order}. */
export function readBits(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const [h, w] = header.size, per = header.bytes_per_mask;
  const masks = [];
  for (let off = 4 + n; off + per <= buffer.byteLength; off += per) {
    masks.push(new PackedMask(new Uint8Array(buffer, off, per), h, w));
  }
  return { header, masks };
}

export const Rle = {
  counts(s) {
    const cnts = [];
    let p = 0;
    while (p < s.length) {
      let x = 0, k = 0, more = 1;
      while (more) {
        const c = s.charCodeAt(p) - 48;
        x |= (c & 0x1f) << (5 * k);
        more = c & 0x20;
        p++;
        k++;
        if (!more && (c & 0x10)) x |= -1 << (5 * k);
      }
      if (cnts.length > 2) x += cnts[cnts.length - 2];
      cnts.push(x);
    }
    return cnts;
  },
  /** {size: [h, w], counts} -> Uint8Array(h * w), row-major, 1 inside. */
  decode(rle) {
    const [h, w] = rle.size;
    const out = new Uint8Array(h * w);
    let idx = 0, v = 0;
    for (const c of Rle.counts(rle.counts)) {
      if (v) {
        // column-major run [idx, idx + c): walk it column by column, no division per pixel
        let x = Math.floor(idx / h), y = idx - x * h;
        for (let left = c; left > 0; ) {
          const n = Math.min(left, h - y);
          for (let k = 0, o = y * w + x; k < n; k++, o += w) out[o] = 1;
          left -= n; x++; y = 0;
        }
      }
      idx += c;
      v ^= 1;
    }
    return out;
  },
  /** Row-major 0/1 bytes of h x w -> {size: [h, w], counts} as pycocotools writes it. */
  encode(bits, h, w) {
    const cnts = [];
    let prev = 0, run = 0;
    for (let x = 0; x < w; x++) {
      for (let y = 0, o = x; y < h; y++, o += w) {
        const v = bits[o] ? 1 : 0;
        if (v !== prev) { cnts.push(run); run = 0; prev = v; }
        run++;
      }
    }
    cnts.push(run);
    let s = "";
    for (let i = 0; i < cnts.length; i++) {
      let x = cnts[i];
      if (i > 2) x -= cnts[i - 2];
      for (let more = 1; more; ) {
        let c = x & 0x1f;
        x >>= 5;
        more = (c & 0x10) ? x !== -1 : x !== 0;
        if (more) c |= 0x20;
        s += String.fromCharCode(c + 48);
      }
    }
    return { size: [h, w], counts: s };
  },
};
