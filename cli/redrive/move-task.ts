/** SQS message move tasks (AWS): StartMessageMoveTask from the dead-letter queue, then its progress. */
import {
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

export interface MoveTask {
  taskHandle: string;
  /** The task as ListMessageMoveTasks reports it right after the start (the newest first). */
  status?: ListMessageMoveTasksResultEntry | undefined;
}

export const startMoveTask = async (
  sqs: SQSClient,
  {
    sourceArn,
    destinationArn,
    maxPerSecond,
  }: { sourceArn: string; destinationArn?: string | undefined; maxPerSecond?: number | undefined },
): Promise<MoveTask> => {
  const { TaskHandle = '' } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      ...(destinationArn ? { DestinationArn: destinationArn } : {}),
      ...(maxPerSecond ? { MaxNumberOfMessagesPerSecond: maxPerSecond } : {}),
    }),
  );
  const { Results = [] } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }),
  );
  return {
    taskHandle: TaskHandle,
    status: Results.find((task) => task.TaskHandle === TaskHandle) ?? Results[0],
  };
};

/** `RUNNING: 12 of 40 moved`, `FAILED: <reason>`. */
export const describeTaskStatus = (task: ListMessageMoveTasksResultEntry | undefined): string => {
  if (!task) return 'not listed yet';
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const toMove = task.ApproximateNumberOfMessagesToMove;
  const progress = toMove === undefined ? `${moved} moved` : `${moved} of ${toMove} moved`;
  const failure = task.FailureReason ? ` (${task.FailureReason})` : '';
  return `${task.Status ?? 'UNKNOWN'}: ${progress}${failure}`;
};
