import type { BuildOptions, Format, Loader } from 'esbuild';
import type { JsonObject } from '../../local/template/values';

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : String(value).split(',')).map((item) => String(item).trim());

/** `[".js=.mjs"]` -> `{ ".js": ".mjs" }`, as `--out-extension:.js=.mjs` reads on the command line. */
const pairs = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    list(value).map((item) => {
      const equals = item.indexOf('=');
      return [item.slice(0, equals), item.slice(equals + 1)];
    }),
  );

/**
 * The esbuild JS API options equivalent to what `sam build` runs for a function's `BuildProperties`
 * (aws-lambda-builders: `--bundle --platform=node`, defaults `--format=cjs --target=es2020 --minify`,
 * then each property as a flag). Entry points and output locations are the caller's.
 */
export const esbuildOptions = (buildProperties: JsonObject): BuildOptions => {
  const options: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2020',
    minify: true,
  };
  for (const [key, value] of Object.entries(buildProperties)) {
    switch (key) {
      case 'EntryPoints':
      case 'Platform': // sam build always bundles for node
        break;
      case 'Format':
        options.format = String(value) as Format;
        break;
      case 'Target':
        options.target = list(value);
        break;
      case 'Minify':
        options.minify = value === true || value === 'true';
        break;
      case 'Sourcemap':
        options.sourcemap = value === true || value === 'true';
        break;
      case 'SourcesContent':
        // sam build passes a boolean only when true (`--sources-content`, esbuild's default) and a string
        // as it is (`--sources-content=false`).
        if (typeof value === 'string') options.sourcesContent = value !== 'false';
        break;
      case 'MainFields':
        options.mainFields = list(value);
        break;
      case 'External':
        options.external = list(value);
        break;
      case 'Splitting':
        options.splitting = value === true || value === 'true';
        break;
      case 'Alias':
        // Paths are relative to the directory esbuild runs in: the function's CodeUri (absWorkingDir).
        options.alias = pairs(value);
        break;
      case 'Loader':
        options.loader = pairs(value) as Record<string, Loader>;
        break;
      case 'OutExtension':
        options.outExtension = pairs(value);
        break;
      case 'Banner':
        options.banner = pairs(value);
        break;
      case 'Footer':
        options.footer = pairs(value);
        break;
      default:
        throw new Error(
          `BuildProperties.${key} has no esbuild API equivalent yet: add it to bench/lib/esbuild-options.ts`,
        );
    }
  }
  return options;
};
