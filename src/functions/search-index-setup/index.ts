import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { sendCustomResourceResponse } from '../../adapters/cloudformation-response';
import { signedOpenSearchClient } from '../../adapters/opensearch-client';
import { parseIndexRotation } from '../../domain/search';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { parseRoleArns, removeAccessControl, setUpAccessControl } from './set-up-access-control';
import { removeOrderIndexSetup, setUpOrderIndex } from './set-up-order-index';

const region = requireEnv('AWS_REGION');
const { logger, metrics, tracer } = createPowertools();

interface IndexSetupProperties {
  DomainEndpoint: string;
  IndexName: string;
  Replicas: string;
  RetentionDays: string;
  /** The delivery stream's IndexRotationPeriod, which the one-per-order pipeline follows. */
  IndexRotationPeriod: string;
  /** IAM role ARNs mapped to the writer role when the domain has fine-grained access control (optional). */
  IndexWriterRoleArns?: unknown;
  /** IAM role ARNs mapped to the reader role when the domain has fine-grained access control (optional). */
  IndexReaderRoleArns?: unknown;
}

/**
 * Time kept back from the function's timeout to answer CloudFormation: a custom resource that never
 * answers keeps its stack waiting for an hour.
 */
const TIME_TO_ANSWER_MS = 5_000;

/** The work, or a rejection once `timeoutMs` has passed (the work is then abandoned). */
const within = async <T>(timeoutMs: number, work: () => Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the domain did not answer within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The custom resource `Custom::OrderIndexSetup`: applies the one-per-order ingest pipeline, the index
 * template, alias and ISM policy to the domain as part of the deployment, then, on a domain with fine-grained
 * access control, the writer and reader roles mapped to the IAM roles given and the audit configuration; and
 * always answers CloudFormation before its own timeout, so a stack never hangs on it. A Delete removes the
 * template, the policy, the roles and their mappings, and answers SUCCESS even when the domain cannot be
 * cleaned up (the domain is retained, and a FAILED Delete would leave a rollback or a stack deletion failed).
 */
const handleIndexSetup = async (
  event: CloudFormationCustomResourceEvent,
  context: Context,
): Promise<void> => {
  const properties = event.ResourceProperties as unknown as IndexSetupProperties & { ServiceToken: string };
  const physicalResourceId = `${properties.IndexName}-index-setup`;
  const timeLeftMs = Math.max(0, context.getRemainingTimeInMillis() - TIME_TO_ANSWER_MS);
  if (event.RequestType === 'Delete') {
    try {
      await within(timeLeftMs, async () => {
        const client = signedOpenSearchClient(properties.DomainEndpoint, region);
        await removeOrderIndexSetup(client, properties.IndexName);
        await removeAccessControl(client, properties.IndexName);
      });
    } catch (error) {
      logger.warn('The order index set-up could not be removed; the domain keeps it', {
        error: error as Error,
      });
    }
    await sendCustomResourceResponse(event, {
      status: 'SUCCESS',
      physicalResourceId: event.PhysicalResourceId,
    });
    return;
  }
  try {
    const result = await within(timeLeftMs, async () => {
      const settings = {
        indexName: properties.IndexName,
        replicas: Number(properties.Replicas),
        retentionDays: Number(properties.RetentionDays),
        rotation: parseIndexRotation(properties.IndexRotationPeriod),
      };
      const access = {
        indexName: properties.IndexName,
        writerRoleArns: parseRoleArns(properties.IndexWriterRoleArns, 'IndexWriterRoleArns'),
        readerRoleArns: parseRoleArns(properties.IndexReaderRoleArns, 'IndexReaderRoleArns'),
      };
      const client = signedOpenSearchClient(properties.DomainEndpoint, region);
      const indexSetUp = await setUpOrderIndex(client, settings, logger);
      await setUpAccessControl(client, access, logger);
      return indexSetUp;
    });
    await sendCustomResourceResponse(event, { status: 'SUCCESS', physicalResourceId, data: { ...result } });
  } catch (error) {
    logger.error('The order index set-up failed', { error: error as Error, requestType: event.RequestType });
    await sendCustomResourceResponse(event, {
      status: 'FAILED',
      physicalResourceId: event.RequestType === 'Create' ? physicalResourceId : event.PhysicalResourceId,
      reason: `Setting up the order index failed: ${(error as Error).message}`,
    });
  }
};

export const handler = middy(handleIndexSetup)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
