import { runBench } from '/work/wt-24/scripts/maintainer/bench.ts';
import { validationVsParse } from '/work/wt-24/scripts/maintainer/bench-validators.ts';
await runBench([validationVsParse]);
