// Bundles each action in actions/ into one self-contained CommonJS file under dist/.
// The OpenWhisk Node.js runtime evaluates plain action code as text and then looks up `main`,
// so every bundle exposes `main` both through module.exports and as a global.
import { readdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = dirname(fileURLToPath(import.meta.url));
const actionsDir = join(root, 'actions');
const entries = Object.fromEntries(
  readdirSync(actionsDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [basename(file, '.ts'), join(actionsDir, file)]),
);

export default {
  mode: 'production',
  target: 'node20',
  entry: entries,
  output: {
    path: join(root, 'dist'),
    filename: '[name].js',
    library: { type: 'commonjs2' },
    clean: true,
  },
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
  optimization: { minimize: false },
  devtool: false,
  performance: { hints: false },
  plugins: [
    new webpack.BannerPlugin({
      banner:
        'if (typeof module === "object" && module.exports && typeof module.exports.main === "function") { globalThis.main = module.exports.main; }',
      raw: true,
      footer: true,
    }),
  ],
};
