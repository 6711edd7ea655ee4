package dev.questfleet.mongo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Byte encodings of what the storage maps hold, in BSON (the format the values arrived in over the wire).
 * mongo-java-server's H2 backend leaves these to MVStore's ObjectDataType, which falls back to Java
 * serialization for documents and index keys, and even serializes both keys to compare them during every
 * binary search of an index: measured as about two thirds of the server's CPU under a write load.
 */
final class BsonStorage {

    /** Tag of a value that is a {@link Missing} (an absent _id or key field), which BSON cannot carry. */
    private static final byte MISSING = 0;
    private static final byte PRESENT = 1;
    private static final String VALUE = "v";

    /** One growing encode buffer per thread, reused: allocating one per value showed in the profile. */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));

    private BsonStorage() {
    }

    private static ByteBuf scratch() {
        ByteBuf buffer = SCRATCH.get();
        buffer.clear();
        return buffer;
    }

    static byte[] encodeDocument(Document document) {
        ByteBuf buffer = scratch();
        BsonEncoder.encodeDocument(document, buffer);
        return bytes(buffer);
    }

    static Document decodeDocument(byte[] bytes) {
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    /** Copies one encoded document (its length is its first four bytes, little-endian) and moves past it. */
    static byte[] readDocumentBytes(ByteBuffer source) {
        int length = Integer.reverseBytes(source.getInt(source.position()));
        byte[] bytes = new byte[length];
        source.get(bytes);
        return bytes;
    }

    /** Reads one document written by {@link #encodeDocument} and moves the buffer past it. */
    static Document readDocument(ByteBuffer source) {
        int length = Integer.reverseBytes(source.getInt(source.position()));
        ByteBuf buffer = Unpooled.wrappedBuffer(source.slice().limit(length));
        source.position(source.position() + length);
        return BsonDecoder.decodeBson(buffer);
    }

    /** Any single value, Missing included: a tag, then {v: value} as BSON. */
    static byte[] encodeValue(Object value) {
        if (value instanceof Missing) {
            return new byte[] {MISSING};
        }
        Document wrapper = new Document(VALUE, value);
        ByteBuf buffer = scratch();
        buffer.writeByte(PRESENT);
        BsonEncoder.encodeDocument(wrapper, buffer);
        return bytes(buffer);
    }

    static Object readValue(ByteBuffer source) {
        byte tag = source.get();
        if (tag == MISSING) {
            return Missing.getInstance();
        }
        return readDocument(source).get(VALUE);
    }

    /** The values of an index key: their count, then each as {@link #encodeValue}. */
    static byte[] encodeValues(List<Object> values) {
        List<byte[]> parts = new ArrayList<>(values.size());
        int total = 4;
        for (Object value : values) {
            byte[] part = encodeValue(value);
            parts.add(part);
            total += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(values.size());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    static List<Object> readValues(ByteBuffer source) {
        int count = source.getInt();
        List<Object> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(readValue(source));
        }
        return values;
    }

    /** A total order on encodings, for values the Mongo comparison calls equal but Java does not (1 vs 1.0). */
    static int compareBytes(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private static byte[] bytes(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        return bytes;
    }
}
