import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * java -cp 'KAFKA_LIBS/*' SqueezedOrders.java BOOTSTRAP TOPIC COUNT SCHEMA_ID
 * Produces COUNT Confluent-framed Avro orders-v1 records (id, customer, amount, status) whose customer is
 * 2,000 repeated characters, lz4-compressed: a topic that compresses about 50 times.
 */
public class SqueezedOrders {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        p.put("compression.type", "lz4");
        p.put("linger.ms", "20");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        int count = Integer.parseInt(args[2]);
        int schemaId = Integer.parseInt(args[3]);
        String customer = "x".repeat(2000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(args[1], value(schemaId, "order-" + i, customer, i)));
            }
        }
        System.out.println("RESULT produced " + count);
    }

    static byte[] value(int schemaId, String id, String customer, double amount) {
        ByteBuffer b = ByteBuffer.allocate(5 + 10 + id.length() + 10 + customer.length() + 8 + 5);
        b.put((byte) 0).putInt(schemaId);
        string(b, id);
        string(b, customer);
        b.order(ByteOrder.LITTLE_ENDIAN).putDouble(amount).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0); // status: NEW (enum index 0, zig-zag)
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static void string(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        long n = ((long) bytes.length << 1); // zig-zag of a non-negative length
        while ((n & ~0x7FL) != 0) {
            b.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        b.put((byte) n);
        b.put(bytes);
    }
}
