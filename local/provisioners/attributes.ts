/** SNS and SQS take attributes as strings: JSON for objects (policies), the text of anything else. */
export const attributeValue = (value: unknown): string =>
  typeof value === 'object' ? JSON.stringify(value) : String(value);

/** The CloudFormation properties that the service takes as attributes of the same name. */
export const attributesFrom = (
  properties: Record<string, unknown>,
  names: readonly string[],
): Record<string, string> =>
  Object.fromEntries(
    names
      .filter((name) => properties[name] !== undefined)
      .map((name) => [name, attributeValue(properties[name])]),
  );
