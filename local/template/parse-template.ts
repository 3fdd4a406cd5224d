import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** A CloudFormation/SAM template as plain data, intrinsic functions in their JSON form (`{"Fn::Sub": ...}`). */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Description?: string; Value: unknown; Condition?: string }>;
}

/** A parameter declaration, with the constraints CloudFormation checks values against (see ./parameters). */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  /** String and CommaDelimitedList (each item): a regular expression the whole value must match. */
  AllowedPattern?: string;
  /** String: the fewest and most characters. */
  MinLength?: number | string;
  MaxLength?: number | string;
  /** Number: the smallest and largest value. */
  MinValue?: number | string;
  MaxValue?: number | string;
  /** What a refused value is told, beside the constraint it breaks. */
  ConstraintDescription?: string;
  NoEcho?: boolean | string;
  Description?: string;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  /** SAM: `'*'`, or the names of global properties this resource does not take (see `globals.ts`). */
  IgnoreGlobals?: string | string[];
}

const INTRINSICS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
];

const jsonKey = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

/** YAML short forms (`!Ref`, `!GetAtt A.Arn`, `!Sub [..]`, ...) as custom tags. */
const cloudFormationTags: Tags = [...INTRINSICS, 'Ref', 'Condition'].flatMap((name) => {
  const key = jsonKey(name);
  return [
    {
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? splitGetAtt(value) : value }),
    },
    ...(['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }),
    })),
  ];
});

const splitGetAtt = (value: string): string[] => {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
};

export const parseTemplate = (text: string): Template => {
  const template = parse(text, { customTags: cloudFormationTags, maxAliasCount: -1 }) as Template | null;
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new Error('Not a CloudFormation template: it has no Resources section');
  }
  return template;
};

export const loadTemplate = (path: string): Template => {
  try {
    return parseTemplate(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the template ${path}: ${(error as Error).message}`);
  }
};
