// node kafkajs-consume.js BOOTSTRAP TOPIC COUNT GROUP [SASL]
// Reads COUNT records of TOPIC from the beginning as a member of consumer group GROUP, with KafkaJS's
// default fetch sizes, and prints one JSON line: how many records arrived, the distinct offsets per
// partition, the largest offset, and how many values carry each Confluent schema id.
// SASL, when given, is MECHANISM:USER:PASSWORD (plain, scram-sha-256 or scram-sha-512), over plaintext.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, countText, group, saslSpec] = process.argv.slice(2);
const count = Number(countText);
const sasl = saslSpec
  ? (([mechanism, username, ...password]) => ({ mechanism, username, password: password.join(':') }))(
      saslSpec.split(':'))
  : undefined;
const kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [bootstrap], logLevel: logLevel.ERROR, sasl });
const consumer = kafka.consumer({ groupId: group });
const ids = {};
const offsets = new Set();
let received = 0;
let maxOffset = -1;

async function main() {
  const timer = setTimeout(() => finish(1, 'timed out'), 60000);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received++;
      offsets.add(partition + ':' + message.offset);
      maxOffset = Math.max(maxOffset, Number(message.offset));
      const value = message.value;
      const id = value && value.length >= 5 && value[0] === 0 ? value.readInt32BE(1) : -1;
      ids[id] = (ids[id] || 0) + 1;
      if (received >= count) {
        clearTimeout(timer);
        setImmediate(() => finish(0));
      }
    },
  });
}

let done = false;
async function finish(code, error) {
  if (done) return;
  done = true;
  console.log(JSON.stringify({ received, distinct: offsets.size, maxOffset, ids, error: error || null }));
  try { await consumer.disconnect(); } catch (e) { /* exiting anyway */ }
  process.exit(code);
}

main().catch((e) => finish(1, String(e)));
