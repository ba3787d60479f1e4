// One backup in a process of its own, so that its peak RSS is the backup's alone. Prints JSON.
//   node bench/backup/backup-once.ts <env-file>
import { backup, loadConfigFrom, silentLogger } from '@satvach/backup';

const config = loadConfigFrom(process.argv[2]);
const started = performance.now();
const { manifest } = await backup(config, { log: silentLogger });
process.stdout.write(
  `${JSON.stringify({ seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, size: manifest.size, dumpSize: manifest.dumpSize })}\n`,
);
