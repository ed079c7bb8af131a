// Bundles each action in actions/ into one self-contained CommonJS file under dist/, with the same
// configuration users copy from examples/webpack.config.js, plus the TypeScript loader.
import { readdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionBundles } from './examples/webpack.config.js';

const root = dirname(fileURLToPath(import.meta.url));
const actionsDir = join(root, 'actions');
const entries = Object.fromEntries(
  readdirSync(actionsDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [basename(file, '.ts'), join(actionsDir, file)]),
);
const bundles = actionBundles({ entry: entries, outputPath: join(root, 'dist') });

export default {
  ...bundles,
  output: { ...bundles.output, clean: true },
  resolve: {
    extensions: ['.ts', '.js'],
    extensionAlias: { '.js': ['.ts', '.js'] },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { transpileOnly: true, compilerOptions: { module: 'ES2022', moduleResolution: 'Bundler' } },
      },
    ],
  },
};
