import { formatDemo, runDemo } from './demo.js';

const HELP = `hostsig: sign and verify HostDime, 6connect, HostBill, cPanel & WHM and HostKey requests

Usage:
  hostsig demo      sign one request per scheme, verify it, replay and tamper it, print the verdicts
  hostsig --help    this text
`;

/** CLI entry point; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd = 'demo'] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'demo') {
    const rows = await runDemo();
    process.stdout.write(`${formatDemo(rows)}\n`);
    const expected = rows.filter((r) => !r.request.startsWith('  ')).every((r) => r.verdict === 'valid');
    return expected ? 0 : 1;
  }
  process.stderr.write(`hostsig: unknown command "${cmd}"\n\n${HELP}`);
  return 64;
}
