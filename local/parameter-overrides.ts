/**
 * `npm start -- --parameter-overrides Key=Value ...`: the values of template parameters, given as
 * `sam deploy` takes them: `Key=Value` pairs, as separate arguments or in one argument separated by spaces,
 * or `ParameterKey=Key,ParameterValue=Value`. A value may hold commas (a CommaDelimitedList: Partners=A,B).
 */
export const parameterOverridesFrom = (args: string[]): Record<string, string> => {
  const start = args.indexOf('--parameter-overrides');
  if (start < 0) return {};
  const overrides: Record<string, string> = {};
  for (const arg of args.slice(start + 1)) {
    if (arg.startsWith('--')) break;
    for (const pair of arg.trim().split(/\s+(?=(?:ParameterKey=)?[A-Za-z0-9]+[=,])/)) {
      const match = /^(?:ParameterKey=([A-Za-z0-9]+),ParameterValue=|([A-Za-z0-9]+)=)(.*)$/s.exec(pair);
      if (!match) throw new Error(`--parameter-overrides takes Key=Value pairs, not "${pair}"`);
      overrides[(match[1] ?? match[2]) as string] = match[3] as string;
    }
  }
  return overrides;
};
