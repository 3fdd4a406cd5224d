/**
 * An Amazon Resource Name, `arn:partition:service:region:account-id:resource`, where the resource is
 * `resource-id`, `resource-type/resource-id` or `resource-type:resource-id` (and may hold more `/` or `:`).
 */
export interface Arn {
  partition: string;
  service: string;
  /** Empty for global services (S3 buckets, IAM). */
  region: string;
  /** Empty where the service leaves it out (S3 buckets). */
  accountId: string;
  /** Everything after the fifth colon, as it is: `function:checkout:live`, `deliverystream/orders`. */
  resource: string;
  /** The part of `resource` before its first `/` or `:`; undefined when it has neither. */
  resourceType?: string;
  /** `resource` after its type (`checkout:live`, `orders`, `service-role/delivery`); all of it without one. */
  resourceId: string;
  /**
   * The name alone: without a path (`role/service-role/delivery` -> `delivery`) or, for types written with
   * a colon, a qualifier after the name (`function:checkout:live` -> `checkout`; `log-group:/aws/x:*` ->
   * `/aws/x`). For a resource without a type, the whole resource (`my-queue`, `my-bucket`).
   */
  resourceName: string;
}

export class ArnError extends Error {}

/** Parses an ARN; throws ArnError, naming the value, when it is not one. */
export const parseArn = (arn: string): Arn => {
  const parts = arn.split(':');
  const [prefix, partition, service, region, accountId] = parts;
  const resource = parts.slice(5).join(':');
  if (parts.length < 6 || prefix !== 'arn' || !partition || !service || !resource) {
    throw new ArnError(
      `${JSON.stringify(arn)} is not an ARN (arn:partition:service:region:account:resource)`,
    );
  }
  const separator = /[/:]/.exec(resource);
  const typed = separator
    ? (() => {
        const resourceId = resource.slice(separator.index + 1);
        return {
          resourceType: resource.slice(0, separator.index),
          resourceId,
          resourceName:
            separator[0] === ':'
              ? (resourceId.split(':')[0] as string)
              : resourceId.slice(resourceId.lastIndexOf('/') + 1),
        };
      })()
    : { resourceId: resource, resourceName: resource };
  return { partition, service, region: region ?? '', accountId: accountId ?? '', resource, ...typed };
};
