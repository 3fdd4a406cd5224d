/**
 * The values of a template's parameters, from the overrides given and the Defaults, checked as CloudFormation
 * checks them when a stack is created: every problem is gathered into one TemplateError, so that a wrong
 * `--parameter-overrides` or samconfig.toml is fixed in one go.
 *
 * - a key the template does not declare is refused (with the closest declared name, or the list of them);
 * - a parameter with no value and no Default is refused ("must have values");
 * - a Type CloudFormation does not know is refused;
 * - `Number`: the value is an integer or a float, within MinValue/MaxValue, and one of AllowedValues if any;
 * - `String` (and the AWS-specific types, checked as strings here): AllowedValues, AllowedPattern (anchored:
 *   the pattern must match the whole value), MinLength/MaxLength;
 * - `CommaDelimitedList` and `List<...>`: split at commas, each item trimmed; AllowedValues and
 *   AllowedPattern apply to each item, and each item of a `List<Number>` must be a number. An empty value is
 *   an empty list for these checks;
 * - a Default must keep its parameter's constraints too, whether or not a value overrides it;
 * - a refused value is quoted (`****` for a NoEcho parameter), with the constraint it breaks and the
 *   parameter's ConstraintDescription when it has one.
 * Numbers stay strings, as `Ref` to a Number parameter gives a string in CloudFormation.
 */
import { TemplateError } from '../stack/intrinsics';
import type { Template, TemplateParameter } from './parse-template';

export type ParameterValues = Record<string, string | string[]>;

type Kind = 'Number' | 'List<Number>' | 'List' | 'String';

const kindOf = (type: string): Kind | undefined => {
  if (type === 'Number' || type === 'List<Number>') return type;
  if (type === 'CommaDelimitedList' || /^List<AWS::.+>$/.test(type)) return 'List';
  if (type === 'String' || type.startsWith('AWS::')) return 'String';
  return undefined;
};

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const isNoEcho = (parameter: TemplateParameter) => String(parameter.NoEcho).toLowerCase() === 'true';

/** A Default as the string CloudFormation reads (YAML may give a number, a boolean or a list). */
const asText = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value));

const listItems = (value: string): string[] =>
  value === '' ? [] : value.split(',').map((item) => item.trim());

/** The pattern as CloudFormation applies it, to the whole value; Unicode mode first, as Java's `\p{...}` needs. */
const anchored = (pattern: string): RegExp => {
  const source = `^(?:${pattern})$`;
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    // Java accepts escapes JavaScript's Unicode mode refuses (`\_`, `\@`); without it `\p{...}` would be "p{...}".
    if (/\\[pP]\{/.test(pattern)) throw error;
    return new RegExp(source);
  }
};

/** Optimal string alignment distance, case-insensitive: "Stgae" is one edit from "Stage". */
const distance = (a: string, b: string): number => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[x.length] as number[])[y.length] as number;
};

/** The declared name a key was probably meant to be: a typo away, or the one name it begins (StageN: StageName). */
const closest = (key: string, names: string[]): string | undefined => {
  const limit = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const d = distance(key, name);
    if (d <= limit && (!best || d < best.distance)) best = { name, distance: d };
  }
  if (best) return best.name;
  const extending = names.filter((name) => name.toLowerCase().startsWith(key.toLowerCase()));
  return key.length >= 4 && extending.length === 1 ? extending[0] : undefined;
};

/** What is wrong with one value of a parameter (the value given, or its Default), as sentences. */
const valueProblems = (
  parameter: TemplateParameter,
  kind: Kind,
  pattern: RegExp | undefined,
  value: string,
): string[] => {
  const problems: string[] = [];
  const allowed = parameter.AllowedValues?.map(asText);
  const allowedText = `the AllowedValues (${allowed?.join(', ')})`;
  const quote = (text: string) => JSON.stringify(text);
  const bound = (name: 'MinValue' | 'MaxValue' | 'MinLength' | 'MaxLength') =>
    parameter[name] === undefined ? undefined : Number(parameter[name]);

  if (kind === 'Number') {
    if (!NUMBER.test(value)) problems.push('is not a number (Type: Number)');
    else {
      const [min, max] = [bound('MinValue'), bound('MaxValue')];
      if (min !== undefined && Number(value) < min) problems.push(`is less than its MinValue ${min}`);
      if (max !== undefined && Number(value) > max) problems.push(`is greater than its MaxValue ${max}`);
    }
    if (allowed && !allowed.includes(value)) problems.push(`is not one of ${allowedText}`);
  } else if (kind === 'String') {
    if (allowed && !allowed.includes(value)) problems.push(`is not one of ${allowedText}`);
    if (pattern && !pattern.test(value))
      problems.push(`does not match its AllowedPattern ${parameter.AllowedPattern} (the whole value must)`);
    const [min, max] = [bound('MinLength'), bound('MaxLength')];
    const length = [...value].length;
    const characters = `${length} ${length === 1 ? 'character' : 'characters'}`;
    if (min !== undefined && length < min)
      problems.push(`is shorter than its MinLength ${min} (${characters})`);
    if (max !== undefined && length > max)
      problems.push(`is longer than its MaxLength ${max} (${characters})`);
  } else {
    for (const item of listItems(value)) {
      const itemText = `has the item ${quote(item)}, which`;
      if (kind === 'List<Number>' && !NUMBER.test(item))
        problems.push(`${itemText} is not a number (Type: List<Number>)`);
      if (allowed && !allowed.includes(item)) problems.push(`${itemText} is not one of ${allowedText}`);
      if (pattern && !pattern.test(item))
        problems.push(`${itemText} does not match its AllowedPattern ${parameter.AllowedPattern}`);
    }
  }
  return problems;
};

/**
 * The value of every parameter of `template` (lists split), from `overrides` and the Defaults; throws one
 * TemplateError naming every problem, one per line.
 */
export const resolveParameters = (
  template: Pick<Template, 'Parameters'>,
  overrides: Record<string, string>,
): ParameterValues => {
  const declared = template.Parameters ?? {};
  const names = Object.keys(declared);
  const unknown = Object.keys(overrides).filter((key) => !Object.hasOwn(declared, key));
  const problems = unknown.map((key) => {
    const suggestion = closest(key, names);
    return `${key}: the template has no such parameter${suggestion ? `; did you mean ${suggestion}?` : ''}`;
  });
  const values: ParameterValues = {};

  for (const [name, parameter] of Object.entries(declared)) {
    const kind = kindOf(String(parameter.Type));
    if (!kind) {
      problems.push(
        `${name}: its Type ${parameter.Type} is not a CloudFormation parameter type (String, Number, ` +
          'List<Number>, CommaDelimitedList, an AWS-specific type AWS::... or List<AWS::...>)',
      );
      continue;
    }
    const constraint = parameter.ConstraintDescription
      ? ` (ConstraintDescription: ${parameter.ConstraintDescription})`
      : '';
    let pattern: RegExp | undefined;
    if (parameter.AllowedPattern !== undefined && (kind === 'String' || kind === 'List')) {
      try {
        pattern = anchored(String(parameter.AllowedPattern));
      } catch (error) {
        problems.push(
          `${name}: its AllowedPattern ${parameter.AllowedPattern} is not a regular expression: ${(error as Error).message}`,
        );
      }
    }
    const shown = (value: string) => (isNoEcho(parameter) ? '****' : JSON.stringify(value));
    const check = (label: string, value: string) => {
      for (const problem of valueProblems(parameter, kind, pattern, value))
        problems.push(`${name}: ${label} ${shown(value)} ${problem}${constraint}`);
    };

    const fallback = parameter.Default === undefined ? undefined : asText(parameter.Default);
    const given = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    if (fallback !== undefined) check('the Default', fallback);
    if (given !== undefined) check('the value', given);
    const value = given ?? fallback;
    if (value === undefined) {
      problems.push(`${name}: no value was given and it has no Default`);
      continue;
    }
    values[name] =
      kind === 'String' || kind === 'Number' ? value : value.split(',').map((item) => item.trim());
  }

  if (problems.length > 0) {
    throw new TemplateError(
      `The template parameters are not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        (unknown.some((key) => !closest(key, names))
          ? `\nThe template's parameters are ${names.length > 0 ? names.join(', ') : 'none'}.`
          : ''),
    );
  }
  return values;
};
