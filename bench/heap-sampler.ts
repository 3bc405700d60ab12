import type { CDPSession } from '@playwright/test';

const SAMPLE_EVERY_MS = 100;

export interface HeapPeaks {
  /** V8 heap in use (the same figure as `Performance.getMetrics` JSHeapUsedSize). */
  peakJsHeapBytes: number;
  /** ArrayBuffer contents live outside the V8 heap; pieces in flight are counted here. */
  peakArrayBufferBytes: number;
  /** Peak of the sum, sampled together. */
  peakTotalBytes: number;
  heapSamples: number;
  heapSampleFailures: number;
}

/**
 * Samples a page's memory every ~100 ms until stopped and keeps the peaks.
 * JSHeapUsedSize alone would miss the bytes that matter here: piece data sits
 * in ArrayBuffers, whose backing stores V8 keeps outside its heap. CDP
 * `Runtime.getHeapUsage` reports both. (`performance.measureUserAgentSpecificMemory`
 * needs a cross-origin-isolated page, which the app is not.)
 */
export class HeapSampler {
  private readonly peaks: HeapPeaks = {
    peakJsHeapBytes: 0,
    peakArrayBufferBytes: 0,
    peakTotalBytes: 0,
    heapSamples: 0,
    heapSampleFailures: 0,
  };
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly cdp: CDPSession) {
    this.loop = this.run();
  }

  async stop(): Promise<HeapPeaks> {
    this.running = false;
    await this.loop;
    await this.cdp.detach();
    return this.peaks;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const { usedSize, backingStorageSize } = await this.cdp.send('Runtime.getHeapUsage');
        this.peaks.peakJsHeapBytes = Math.max(this.peaks.peakJsHeapBytes, usedSize);
        this.peaks.peakArrayBufferBytes = Math.max(this.peaks.peakArrayBufferBytes, backingStorageSize);
        this.peaks.peakTotalBytes = Math.max(this.peaks.peakTotalBytes, usedSize + backingStorageSize);
        this.peaks.heapSamples++;
      } catch (error) {
        // Counted and reported (a navigation swaps the page's context under us); many failures make the peak unreliable.
        this.peaks.heapSampleFailures++;
        if (this.peaks.heapSampleFailures === 1) console.error(`heap sampler: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  }
}
