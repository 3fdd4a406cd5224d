import { referencedId } from '../../local/template/references';
import { isObject, type JsonObject } from '../../local/template/values';
import { resourcesOfType } from '../../scripts/lib/project-templates';
import { expandedTemplates } from './expanded';
import { templateInvariants } from './invariants';

/** The invariants also hold for what CloudFormation deploys, where SAM's generated resources are visible. */
describe.each(expandedTemplates())('$name, SAM-expanded', ({ template }) => {
  it.each(Object.entries(templateInvariants))('keeps the invariant: %s', (_, invariant) => {
    expect(invariant(template)).toEqual([]);
  });

  it('lets each function with an SQS event source receive and delete the messages of its own queue only', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    const consumed = mappings.flatMap(([mappingId, mapping]) => {
      const properties = mapping.Properties ?? {};
      // SAM points the mapping at the function's alias when it has AutoPublishAlias.
      const targetId = referencedId(properties.FunctionName);
      const target = targetId ? template.Resources[targetId] : undefined;
      const functionId =
        target?.Type === 'AWS::Lambda::Alias' ? referencedId(target.Properties?.FunctionName) : targetId;
      const fn = functionId ? template.Resources[functionId] : undefined;
      const roleId = referencedId(fn?.Properties?.Role);
      const role = roleId ? template.Resources[roleId] : undefined;
      const policies = (role?.Properties?.Policies ?? []) as JsonObject[];
      const statements = policies.flatMap((policy) => {
        const document = policy.PolicyDocument;
        const statement = isObject(document) ? document.Statement : [];
        return (Array.isArray(statement) ? statement : [statement]).filter(isObject);
      });
      const receiving = statements.filter((statement) =>
        [statement.Action].flat().includes('sqs:ReceiveMessage'),
      );
      return [
        {
          mapping: mappingId,
          managedPolicies: role?.Properties?.ManagedPolicyArns,
          receivesFrom: receiving.map((statement) => statement.Resource),
          queue: properties.EventSourceArn,
        },
      ];
    });
    expect(consumed.length).toBe(mappings.length);
    for (const { mapping, receivesFrom, queue, managedPolicies } of consumed) {
      expect({ mapping, receivesFrom }).toEqual({ mapping, receivesFrom: [queue] });
      expect(JSON.stringify(managedPolicies ?? [])).not.toMatch(/SQS/);
    }
  });
});
