/**
 * `node dist/lib/cli/figure-service.js [--pages N]`: the figure render service of a batch of
 * notebooks (lib/report/figure-service.ts), started by scripts/execute-notebooks.py. Prints its URL
 * as its one line on stdout once the browser and its N plotly pages (default 2) are ready; closes the
 * browser and exits when its stdin closes, so it never outlives the process that started it.
 */
import { startFigureService } from '../report/figure-service';
import { runCommandLine } from './guard';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--pages');
  const pages = at > 0 ? Number(process.argv[at + 1]) : 2;
  if (!Number.isInteger(pages) || pages < 1) {
    throw Object.assign(new Error(`--pages takes a whole number of at least 1, not "${process.argv[at + 1]}"`), { name: 'UsageError' });
  }
  // A missing font or browser is the user's to fix: one line saying what to do, no stack trace.
  const service = await startFigureService(pages).catch((error: Error) => {
    console.error(`figure-service: ${error.message.split('\n')[0]}`);
    process.exit(1);
  });
  // The process that started it may be gone already (interrupted): then there is nobody to serve.
  process.stdout.on('error', () => void service.close().finally(() => process.exit(0)));
  process.stdout.write(`${service.url}\n`);
  const close = () => void service.close().finally(() => process.exit(0));
  process.stdin.on('end', close);
  process.stdin.on('close', close);
  process.stdin.resume();
  process.once('SIGTERM', close);
}

if (require.main === module) runCommandLine('figure-service', main);
