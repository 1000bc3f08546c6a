/** Bundles and minifies the console's script and stylesheet with esbuild (a dev dependency). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'client');
/** Browsers the script is written for (no transpiling beyond what these need). */
const TARGET = ['chrome111', 'firefox111', 'safari16.4'];

/** The minified script and stylesheet. */
export async function buildConsoleAssets(): Promise<{ js: string; css: string }> {
  const { build } = await import('esbuild');
  const common = { bundle: true, minify: true, write: false, target: TARGET, legalComments: 'none' } as const;
  const [js, css] = await Promise.all([
    build({ ...common, entryPoints: [join(CLIENT, 'console.ts')], format: 'esm' }),
    build({ ...common, entryPoints: [join(CLIENT, 'console.css')], loader: { '.css': 'css' } }),
  ]);
  const text = (r: { outputFiles?: Array<{ text: string }> }) => r.outputFiles?.[0]?.text ?? '';
  return { js: text(js), css: text(css) };
}
