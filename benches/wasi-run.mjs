// Runs a WebAssembly program built for wasm32-wasip1 under Node's WASI (node:wasi), which uses
// V8, the JavaScript and WebAssembly engine of Chromium: so a benchmark's figures here are what
// the same code does in the browser, without the page around it.
//
//   node benches/wasi-run.mjs PROGRAM.wasm [ARGS...]
//
// The program sees ARGS as its arguments and the current directory as `.` (read-only use).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node benches/wasi-run.mjs PROGRAM.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { '.': '.' }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
