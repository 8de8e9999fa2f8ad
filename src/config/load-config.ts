import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type ConfigFile, configSchema } from './config-schema.js';
import { discoverProviders } from './discover-providers.js';

/** A configuration that failed validation; the message names every bad key and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The validated configuration plus where it came from. */
export interface LoadedConfig {
  /** The configuration, defaults applied and providers discovered when the file names none. */
  config: ConfigFile;
  /** The file it was read from, if any. */
  path: string | undefined;
  /** True when the simulated provider stands in because no provider was configured or found. */
  simulated: boolean;
}

function formatIssues(issues: z.core.$ZodIssue[], source: string): string {
  const lines = issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `  - ${path}: ${issue.message}`;
  });
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

/** Validates a parsed document (e.g. from YAML) and fills in discovered providers. */
export function validateConfig(options: {
  document: unknown;
  source: string;
  environment: NodeJS.ProcessEnv;
}): { config: ConfigFile; simulated: boolean } {
  const parsed = configSchema.safeParse(options.document ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, options.source));
  const config = parsed.data;
  let simulated = false;
  if (config.providers.length === 0) {
    const discovered = discoverProviders(options.environment);
    config.providers = discovered.providers;
    config.tiers = { ...discovered.tiers, ...config.tiers };
    simulated = discovered.simulated;
  }
  checkReferences(config, options.source);
  return { config, simulated };
}

/** Cross-references zod cannot see: tiers and aliases must name configured deployments. */
function checkReferences(config: ConfigFile, source: string): void {
  const problems: string[] = [];
  const names = new Set<string>();
  const deployments = new Set<string>();
  for (const [index, provider] of config.providers.entries()) {
    if (names.has(provider.name)) problems.push(`  - providers.${index}.name: "${provider.name}" is used twice`);
    names.add(provider.name);
    for (const model of provider.models) deployments.add(`${provider.name}/${model.name}`);
  }
  for (const [tier, definition] of Object.entries(config.tiers)) {
    for (const [index, deployment] of definition.deployments.entries()) {
      if (!deployments.has(deployment)) {
        problems.push(`  - tiers.${tier}.deployments.${index}: "${deployment}" is not a configured provider/model`);
      }
    }
  }
  for (const [tier, definition] of Object.entries(config.tiers)) {
    const target = definition.escalate_to;
    if (target !== undefined && (target === tier || !config.tiers[target])) {
      problems.push(`  - tiers.${tier}.escalate_to: "${target}" is not another configured tier`);
    }
  }
  const judge = config.routing.shadow.judge_tier;
  if (judge !== undefined && !config.tiers[judge]) {
    problems.push(`  - routing.shadow.judge_tier: "${judge}" is not a configured tier`);
  }
  for (const [alias, targets] of Object.entries(config.aliases)) {
    if (alias === 'auto' || config.tiers[alias]) problems.push(`  - aliases.${alias}: the name is already a tier or "auto"`);
    for (const [index, deployment] of targets.entries()) {
      if (!deployments.has(deployment)) {
        problems.push(`  - aliases.${alias}.${index}: "${deployment}" is not a configured provider/model`);
      }
    }
  }
  if (config.baseline && !deployments.has(config.baseline)) {
    problems.push(`  - baseline: "${config.baseline}" is not a configured provider/model`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration in ${source}:\n${problems.join('\n')}`);
}

/** Reads and validates a config file (YAML), or the embedded default when `path` is undefined. */
export function loadConfig(options: { path: string | undefined; environment: NodeJS.ProcessEnv }): LoadedConfig {
  if (options.path === undefined) {
    const { config, simulated } = validateConfig({ document: {}, source: 'the embedded default', environment: options.environment });
    return { config, path: undefined, simulated };
  }
  let text: string;
  try {
    text = readFileSync(options.path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration file ${options.path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${options.path} is not valid YAML: ${(error as Error).message}`);
  }
  const { config, simulated } = validateConfig({ document, source: options.path, environment: options.environment });
  return { config, path: options.path, simulated };
}
