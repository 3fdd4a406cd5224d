import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export interface CustomResourceOutcome {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason?: string;
  data?: Record<string, string>;
}

/** Answers CloudFormation at the event's pre-signed ResponseURL (an empty content type, as S3 requires). */
export const sendCustomResourceResponse = async (
  event: CloudFormationCustomResourceEvent,
  { status, physicalResourceId, reason, data }: CustomResourceOutcome,
): Promise<void> => {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? (status === 'SUCCESS' ? 'OK' : 'See the function logs'),
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data ?? {},
  });
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!response.ok) throw new Error(`CloudFormation's response URL answered ${response.status}`);
};
