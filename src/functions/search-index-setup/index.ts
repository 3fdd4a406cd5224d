import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sendCustomResourceResponse } from '../../adapters/cloudformation-response';
import { signedOpenSearchClient } from '../../adapters/opensearch-client';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { removeOrderIndexSetup, setUpOrderIndex } from './set-up-order-index';

const region = requireEnv('AWS_REGION');
const { logger, metrics, tracer } = createPowertools();

interface IndexSetupProperties {
  DomainEndpoint: string;
  IndexName: string;
  Replicas: string;
  RetentionDays: string;
}

/**
 * The custom resource `Custom::OrderIndexSetup`: applies the index template, alias and ISM policy to the
 * domain as part of the deployment, and always answers CloudFormation, so a stack never hangs on it.
 */
const handleIndexSetup = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const properties = event.ResourceProperties as unknown as IndexSetupProperties & { ServiceToken: string };
  const physicalResourceId = `${properties.IndexName}-index-setup`;
  try {
    const client = signedOpenSearchClient(properties.DomainEndpoint, region);
    if (event.RequestType === 'Delete') {
      await removeOrderIndexSetup(client, properties.IndexName);
      await sendCustomResourceResponse(event, {
        status: 'SUCCESS',
        physicalResourceId: event.PhysicalResourceId,
      });
      return;
    }
    const result = await setUpOrderIndex(
      client,
      {
        indexName: properties.IndexName,
        replicas: Number(properties.Replicas),
        retentionDays: Number(properties.RetentionDays),
      },
      logger,
    );
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
