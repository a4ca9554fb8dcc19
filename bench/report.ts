/**
 * How benchmarks report figures: every figure is one `{"bench","metric","value","unit"}` record;
 * `npm run bench -- --json` prints them as JSON Lines, otherwise as an aligned table.
 */

/** One measured figure. */
export interface Figure {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
}

/** Collects figures and prints them as they come. */
export class Reporter {
  readonly figures: Figure[] = [];
  private readonly json: boolean;

  constructor(json: boolean) {
    this.json = json;
  }

  /** Records and prints one figure. */
  add(bench: string, metric: string, value: number, unit: string): void {
    const figure = { bench, metric, value, unit };
    this.figures.push(figure);
    if (this.json) process.stdout.write(JSON.stringify(figure) + '\n');
    else process.stdout.write(`${bench.padEnd(10)} ${metric.padEnd(52)} ${formatValue(value).padStart(14)} ${unit}\n`);
  }

  /** A progress note (stderr, so JSON output stays clean). */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** A benchmark module: `npm run bench` runs every one in order. */
export interface Bench {
  readonly name: string;
  run(reporter: Reporter, options: BenchOptions): Promise<void> | void;
}

/** Options from the command line. */
export interface BenchOptions {
  /** `--quick`: smaller sizes, for a smoke run. */
  readonly quick: boolean;
  /** `--ns3-sizes 100,1000`: the host counts at which ns-3 runs (undefined: the bench's default). */
  readonly ns3Sizes?: readonly number[] | undefined;
  /** `--ns3-runs 3`: runs of ns-3 per scenario and size, whose median is reported (undefined: the default). */
  readonly ns3Runs?: number | undefined;
  /** `--anchor-sizes 100,1000`: the host counts at which arpshift runs the anchor scenarios (undefined: the default). */
  readonly anchorSizes?: readonly number[] | undefined;
}
