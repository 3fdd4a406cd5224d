/**
 * The provisioner registry: which module creates each resource type. Nothing lists the modules: every file
 * of local/provisioners/ that exports `provisioners: ProvisionerDefinition[]` is one, so that a new kind of
 * resource is one new file there (its handles, if it starts anything, come with it: see handles.ts).
 * Files without that export are helpers and are skipped.
 *
 * The modules are loaded with `require`, synchronously, the first time a stack is deployed: the local
 * runtime runs as CommonJS under tsx (`npm start`, the benchmarks) and under Jest (@swc/jest), and both
 * load TypeScript sources that way.
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Provisioner, ProvisionerDefinition } from './resources';

/** Where the local runtime's provisioner modules are. */
export const PROVISIONERS_DIR = resolve(__dirname, '../provisioners');

/** Sources a module may be loaded from: TypeScript (from a checkout) or JavaScript; not declarations or tests. */
const MODULE_FILE = /^(?!.*\.(d|test|spec)\.[cm]?[jt]s$).*\.(ts|js|cjs)$/;

interface Registered extends ProvisionerDefinition {
  /** The module it came from, for error messages. */
  source: string;
}

const isDefinition = (value: unknown): value is ProvisionerDefinition =>
  typeof (value as ProvisionerDefinition | null)?.type === 'string' &&
  typeof (value as ProvisionerDefinition).create === 'function';

/** The definitions a loaded module exports, or undefined when it exports none (a helper). */
const definitionsOf = (exported: unknown, source: string): ProvisionerDefinition[] | undefined => {
  const definitions = (exported as { provisioners?: unknown } | null)?.provisioners;
  if (definitions === undefined) return undefined;
  if (!Array.isArray(definitions) || !definitions.every(isDefinition)) {
    throw new Error(
      `${source}: \`provisioners\` must be an array of { type, create } (ProvisionerDefinition)`,
    );
  }
  return definitions;
};

export class ProvisionerRegistry {
  private readonly exact = new Map<string, Registered>();
  /** Types ending in `*`, longest prefix first. */
  private readonly patterns: (Registered & { prefix: string })[] = [];

  constructor(definitions: readonly (ProvisionerDefinition & { source?: string })[]) {
    for (const definition of definitions) this.register({ source: '(given)', ...definition });
  }

  /**
   * The provisioners exported by the modules of `dirs` (by default local/provisioners/), each directory in
   * file name order. A type defined twice is an error naming both modules.
   */
  static discover(dirs: readonly string[] = [PROVISIONERS_DIR]): ProvisionerRegistry {
    const definitions: Registered[] = [];
    for (const dir of dirs) {
      for (const file of readdirSync(dir)
        .filter((name) => MODULE_FILE.test(name))
        .sort()) {
        const path = join(dir, file);
        const source = relative(process.cwd(), path) || path;
        // Synchronous on purpose: tsx (`npm start`) and Jest (@swc/jest) both load .ts modules with require.
        const exported: unknown = require(path);
        for (const definition of definitionsOf(exported, source) ?? [])
          definitions.push({ ...definition, source });
      }
    }
    return new ProvisionerRegistry(definitions);
  }

  private register(definition: Registered) {
    const existing = this.exact.get(definition.type) ?? this.patterns.find((p) => p.type === definition.type);
    if (existing) {
      throw new Error(
        `${definition.type} has two provisioners: in ${existing.source} and ${definition.source}`,
      );
    }
    if (definition.type.endsWith('*')) {
      this.patterns.push({ ...definition, prefix: definition.type.slice(0, -1) });
      this.patterns.sort((a, b) => b.prefix.length - a.prefix.length);
    } else {
      this.exact.set(definition.type, definition);
    }
  }

  private definitionOf(type: string): Registered | undefined {
    return this.exact.get(type) ?? this.patterns.find(({ prefix }) => type.startsWith(prefix));
  }

  /** What creates a resource of this type, or undefined when the local stack does not emulate the type. */
  provisionerOf(type: string): Provisioner | undefined {
    return this.definitionOf(type)?.create;
  }

  /** Properties of the type the local stack leaves out (see ProvisionerDefinition). */
  notEmulatedPropertiesOf(type: string): readonly string[] {
    return this.definitionOf(type)?.notEmulatedProperties ?? [];
  }

  /** The types it provisions, sorted (patterns with their `*`). */
  get types(): string[] {
    return [...this.exact.keys(), ...this.patterns.map(({ type }) => type)].sort();
  }
}

let discovered: ProvisionerRegistry | undefined;

/** The provisioners of local/provisioners/, discovered once. */
export const defaultProvisioners = (): ProvisionerRegistry => {
  discovered ??= ProvisionerRegistry.discover();
  return discovered;
};
