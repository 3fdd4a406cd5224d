import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { toAsciiDigits } from '../../src/domain/card-data';
import { anOrderOfAmount, TEST_CARD_NUMBERS } from '../factories/order';
import { PartnerClient } from './partner-client';
import { e2eClientConfig, e2eStackOutputs, eventually } from './stack-outputs';
import { localStackStores } from './stores';

/**
 * SPEC §2 from the outside: what a careless client or another publisher sends, and what then sits in the
 * topic's queues, the table, the archive, the index and the logs of the local stack.
 */
const outputs = e2eStackOutputs();
const partner = new PartnerClient(outputs);
const config = e2eClientConfig();
const { archivedLines, indexedDocuments, tableItems, drainOnce } = localStackStores(outputs);
const sns = new SNSClient(config);
const stateDir = dirname(process.env.E2E_OUTPUTS_FILE as string);

const run = Date.now();
const { visa, mastercard, amex } = TEST_CARD_NUMBERS;
const DIRECT_CVV = '7391';

/** The ways people and systems write a card number in free text (SPEC §2). */
const WRITTEN_CARD_NUMBERS: Record<string, string> = {
  dots: '4111.1111.1111.1111',
  slashes: '4111/1111/1111/1111',
  underscores: '4111_1111_1111_1111',
  'doubled spaces': '4111  1111  1111  1111',
  'line breaks': '4111\n1111\n1111\n1111',
  'thin spaces': '4111\u20091111\u20091111\u20091111',
  'ideographic spaces': '4111\u30001111\u30001111\u30001111',
  'full-width digits': '４１１１ １１１１ １１１１ １１１１',
  'Arabic-Indic digits': '٤١١١ ١١١١ ١١١١ ١١١١',
  '%20': '4111%201111%201111%201111',
  'plain spaces': '4111 1111 1111 1111',
};

/** Text with URL encodings dropped and every Unicode digit made ASCII, then only its digits. */
const digitsOf = (text: string): string =>
  toAsciiDigits(
    text
      .replace(/%[0-9A-Fa-f]{2}/g, ' ')
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  ).replace(/[^0-9]/g, '');

/** The card numbers readable in `text` beyond their last 4 digits (written in any of the formats above). */
const readableCardNumbers = (text: string): string[] =>
  [visa, mastercard, amex].filter((number) => {
    const unmasked = number.slice(0, -4);
    return text.split(/[",{}[\]]/).some((part) => digitsOf(part).includes(unmasked));
  });

const post = async (body: unknown) => {
  const response = await partner.postOrder(body);
  return { status: response.status, body: await response.text() };
};

const logTexts = (): string[] => {
  const logDir = join(stateDir, 'logs');
  return readdirSync(logDir).map((file) => readFileSync(join(logDir, file), 'utf8'));
};

/** Whether a message is an order the API published: only those carry the partner that posted them. */
const publishedByTheApi = (body: string): boolean => {
  try {
    const message = JSON.parse(body) as { partner?: unknown };
    return typeof message === 'object' && message !== null && message.partner !== undefined;
  } catch {
    return false;
  }
};

describe('card data through the local stack', () => {
  const apiOrders = Object.entries(WRITTEN_CARD_NUMBERS).map(([format, written], index) => ({
    format,
    order: anOrderOfAmount(150 + index, {
      id: `hold-${run}-${index}`,
      notes: `please charge ${written} thanks`,
      shipping: { line2: `ref ${mastercard.replace(/(\d{4})/g, '$1 ').trim()}` },
      payment: { card: { number: amex, network: 'amex', cvv: '1234' } },
    }),
  }));
  const apiIds = apiOrders.map(({ order }) => order.id);

  beforeAll(async () => {
    for (const { format, order } of apiOrders) {
      const response = await post(order);
      if (response.status !== 202)
        throw new Error(`The order with a card in ${format} got ${response.status}`);
    }
  });

  it('leaves no readable card number or CVV in the replay queue and the dead-letter queues', async () => {
    // The topic delivers inside Publish locally: the orders were in every queue before the API answered.
    const replayed = (await drainOnce(outputs.ReplayQueueUrl as string)).filter((body) =>
      apiIds.some((id) => body.includes(`"${id}"`)),
    );
    expect(replayed).toHaveLength(apiIds.length);
    expect(replayed.flatMap(readableCardNumbers)).toEqual([]);
    expect(replayed.filter((body) => /"cvv"|1234"|"expiry"|"holder"/.test(body))).toEqual([]);
    for (const output of [
      'CheckoutDeadLetterQueueUrl',
      'ReplayDeadLetterQueueUrl',
      'CheckoutSubscriptionDeadLetterQueueUrl',
      'ReplaySubscriptionDeadLetterQueueUrl',
      'ArchiveSubscriptionDeadLetterQueueUrl',
      'SearchSubscriptionDeadLetterQueueUrl',
    ]) {
      // Other files publish straight to the topic too (another publisher's message stays as it was sent,
      // SPEC §2): what the API published, from any file, carries its partner.
      const bodies = (await drainOnce(outputs[output] as string)).filter(publishedByTheApi);
      expect({ output, readable: bodies.flatMap(readableCardNumbers) }).toEqual({ output, readable: [] });
    }
  });

  it('keeps every order id and no readable card number in the table, the archive and the index', async () => {
    const stored = await eventually(
      async () => {
        const items = (await tableItems()).filter((item) => apiIds.includes(item.id as string));
        return items.length === apiIds.length ? items : undefined;
      },
      30_000,
      'the orders in CheckoutTable',
    );
    const archived = await eventually(
      async () => {
        const lines = (await archivedLines()).filter((line) => apiIds.some((id) => line.includes(`"${id}"`)));
        return lines.length >= apiIds.length ? lines : undefined;
      },
      45_000,
      'the orders in the archive',
    );
    const indexed = await eventually(
      async () => {
        const documents = await indexedDocuments(apiIds);
        return documents.length >= apiIds.length ? documents : undefined;
      },
      45_000,
      'the orders in the index',
    );

    for (const [store, texts] of [
      ['CheckoutTable', stored.map((item) => JSON.stringify(item))],
      ['the archive', archived],
      ['the index', indexed.map((document) => JSON.stringify(document))],
    ] as const) {
      expect({ store, readable: texts.flatMap(readableCardNumbers) }).toEqual({ store, readable: [] });
      expect({ store, cvv: texts.filter((text) => /"cvv"|1234"/.test(text)) }).toEqual({ store, cvv: [] });
    }
    expect(stored.map((item) => item.id).sort()).toEqual([...apiIds].sort());
    expect(indexed.map((document) => document.id).sort()).toEqual([...apiIds].sort());
    for (const document of indexed) {
      expect((document.payment as Record<string, unknown>).card).toEqual({ network: 'amex', last4: '0005' });
    }
  });

  it('logs no readable card number in any function log', async () => {
    await eventually(
      async () => (logTexts().some((text) => text.includes(apiIds.at(-1) as string)) ? true : undefined),
      30_000,
      'the last order in the logs',
    );
    const readable = logTexts().flatMap((text) => text.split('\n').flatMap(readableCardNumbers));
    expect(readable).toEqual([]);
  });

  it('answers 400 naming the field, never quoting it, when an identifier holds a card number', async () => {
    const response = await post(
      anOrderOfAmount(120, {
        id: `order-${visa}`,
        items: [{ sku: `SKU-${mastercard}`, name: 'x', quantity: 1, unitPrice: 120 }],
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('id must not hold a card number');
    expect(response.body).toContain('items[0].sku must not hold a card number');
    expect(readableCardNumbers(response.body)).toEqual([]);
  });

  it('cleans orders that another publisher sends straight to the topic with card data under other names', async () => {
    const id = `direct-publisher-${run}`;
    const order = anOrderOfAmount(250, { id });
    const { card: _card, ...payment } = order.payment;
    const raw = JSON.stringify({
      ...order,
      payment,
      creditCard: { pan: '__PAN__', cvc2: DIRECT_CVV, expiry: '12/29' },
      authorisation: { track2: `;${visa}=29121010000012345678?`, securityCode: DIRECT_CVV },
      notes: `card on file ${mastercard}`,
    }).replace('"__PAN__"', amex);
    await sns.send(
      new PublishCommand({
        TopicArn: outputs.TopicArn,
        Message: raw,
        MessageAttributes: { amount: { DataType: 'Number', StringValue: '250' } },
      }),
    );

    const archived = await eventually(
      async () => (await archivedLines()).find((line) => line.includes(`"${id}"`)),
      45_000,
      'the directly published order in the archive',
    );
    const indexed = await eventually(
      async () => (await indexedDocuments([id]))[0],
      45_000,
      'the directly published order in the index',
    );
    for (const text of [archived, JSON.stringify(indexed)]) {
      expect(readableCardNumbers(text)).toEqual([]);
      expect(text).not.toContain(DIRECT_CVV);
      expect(text).not.toContain('12345678');
      expect(JSON.parse(text).creditCard).toEqual({ network: 'amex', last4: '0005' });
      expect(JSON.parse(text).id).toBe(id);
    }
  });
});
