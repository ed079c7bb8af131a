// Bundles OpenWhisk actions built on `whisk-sync/action` into single-file Node.js actions, the way the
// project bundles its own. Copy this file into your project and list your actions in `entry`, or
// import `actionBundles` from it. Build: `npx webpack --config webpack.config.js`.
//
// The OpenWhisk Node.js runtime evaluates plain action code as text and then looks up `main`, so each
// bundle exposes `main` both through module.exports and as a global.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

/**
 * A webpack configuration that bundles each entry (name → source file) into `<outputPath>/<name>.js`,
 * with every dependency (whisk-sync, amqplib) inside: one file per action, nothing to install.
 */
export function actionBundles({ entry, outputPath }) {
  return {
    mode: 'production',
    target: 'node20',
    entry,
    output: { path: outputPath, filename: '[name].js', library: { type: 'commonjs2' } },
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
}

const here = dirname(fileURLToPath(import.meta.url));

// The examples of this directory, into examples/dist/.
export default actionBundles({
  entry: {
    counter: join(here, 'counter', 'counter.js'),
    'hash-chain': join(here, 'hash-chain', 'hash-chain.js'),
  },
  outputPath: join(here, 'dist'),
});
