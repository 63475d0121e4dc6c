import { type CommandSpec, EXIT_CODES_HELP, formatHelp, InputError, type ParsedArgs, parseArgs, suggest, UsageError } from './args.js';
import { diagnoseSpec, runDiagnose } from './commands/diagnose.js';
import { explainSpec, runExplain } from './commands/explain.js';
import { gatewaySpec, runGateway } from './commands/gateway.js';
import { runServe, serveSpec } from './commands/serve.js';
import { runSign, signSpec } from './commands/sign.js';
import { runVectorsCommand, vectorsSpec } from './commands/vectors.js';
import { runVerify, verifySpec } from './commands/verify.js';
import { formatReport } from './commands/vectors.js';
import { demoOk, formatDemo, runDemo } from './demo.js';
import { jsonOut } from './output.js';
import { defaultVectorsDir, hostsigSubject, loadVectorFiles, runVectors } from './vectors/runner.js';
import { type Io, processIo } from './io.js';

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const demoSpec: CommandSpec = {
  name: 'demo',
  summary: 'start serve, send it one signed request per scheme (all five) plus replayed, tampered and mistaken ones, then run the vectors',
  usage: ['demo'],
  flags: {},
};

const COMMANDS: Record<string, Command> = {
  sign: { spec: signSpec, run: runSign },
  verify: { spec: verifySpec, run: runVerify },
  explain: { spec: explainSpec, run: runExplain },
  diagnose: { spec: diagnoseSpec, run: runDiagnose },
  vectors: { spec: vectorsSpec, run: runVectorsCommand },
  serve: { spec: serveSpec, run: runServe },
  gateway: { spec: gatewaySpec, run: runGateway },
  demo: {
    spec: demoSpec,
    run: async (a, io) => {
      const rows = await runDemo();
      const rep = await runVectors(hostsigSubject, loadVectorFiles(defaultVectorsDir()), []);
      if (a.flags.json === true) {
        io.out(jsonOut({ command: 'demo', serve: rows, vectors: { command: 'vectors', ...rep } }));
      } else {
        io.out(`${io.style.bold('hostsig serve')} on 127.0.0.1, one signed request per scheme sent over HTTP:\n${formatDemo(rows, io.style)}\n\n`);
        io.out(formatReport(rep, io, 20));
      }
      return demoOk(rows) && rep.ok ? 0 : 1;
    },
  },
};

function topHelp(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'hostsig: sign, verify and debug HostDime, 6connect ProVision, HostBill (Basic, RS256 JWT), cPanel & WHM and HostKey API requests',
    'Schemes: hostdime, sixconnect, jwt, hostbill, whm, hostkey',
    '',
    'Usage: hostsig <command> [options]      (hostsig <command> --help for each)',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.spec.name.padEnd(w)}  ${c.spec.summary}`),
    '',
    'Colour only on a terminal, never with NO_COLOR set or --no-color.',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

/** CLI entry point; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const noColor = rest.includes('--no-color');
  const io = processIo(noColor);
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const sub = cmd === 'help' ? rest[0] : undefined;
    if (sub && COMMANDS[sub]) io.out(formatHelp(COMMANDS[sub].spec, rest[1]));
    else io.out(topHelp());
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    io.out('hostsig 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    const hint = suggest(cmd, Object.keys(COMMANDS));
    io.err(`hostsig: unknown command "${cmd}"${hint ? `; did you mean "${hint}"?` : ''}\nRun "hostsig --help" for the list of commands.\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command.spec);
    if (args.flags.help === true) {
      // `hostsig sign hostdime --help`: that scheme's flags and example only.
      io.out(formatHelp(command.spec, args.positionals[0]));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`hostsig ${cmd}: ${e.message}\nRun "hostsig ${cmd} --help" for usage.\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(`hostsig ${cmd}: ${e.message}\n`);
      return 3;
    }
    if (e instanceof Error && e.name === 'HostsigError') {
      const code = (e as Error & { code: string }).code;
      io.err(`hostsig ${cmd}: ${code}: ${e.message}\n`);
      return code === 'INVALID_ARGUMENT' ? 2 : 3;
    }
    io.err(`hostsig ${cmd}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}
