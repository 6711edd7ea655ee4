package dev.questfleet.mongo;

import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A collection whose documents are kept in an MVMap as encoded BSON, keyed by _id (the storage the stock
 * H2 collection gives, with bytes instead of live objects). Every read decodes a fresh document, so no
 * object the server goes on to modify is ever shared with the map: MVStore's background writer
 * serializes pages while requests run, and a stored document changed under it (which happened with
 * documents kept as objects) made the store fail and close. Each document is also encoded once, when it
 * is written, instead of every time a page holding it is saved.
 */
class BsonCollection extends AbstractSynchronizedMongoCollection<Object> {

    private static final String DATA_SIZE = "dataSize";

    private final MVMap<Object, byte[]> documents;
    private final MVMap<String, Object> meta;

    BsonCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, byte[]> documents, MVMap<String, Object> meta, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
        this.documents = documents;
        this.meta = meta;
        meta.putIfAbsent(DATA_SIZE, Long.valueOf(0));
    }

    @Override
    protected void updateDataSize(int sizeDelta) {
        synchronized (meta) {
            long size = ((Number) meta.get(DATA_SIZE)).longValue();
            meta.put(DATA_SIZE, Long.valueOf(size + sizeDelta));
        }
    }

    @Override
    protected int getDataSize() {
        return ((Number) meta.get(DATA_SIZE)).intValue();
    }

    @Override
    protected Object addDocumentInternal(Document document) {
        Object id = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
        Object key = Missing.ofNullable(id);
        if (documents.putIfAbsent(key, BsonStorage.encodeDocument(document)) != null) {
            throw new IllegalStateException("a document with _id " + id + " already exists in " + getFullName());
        }
        return id;
    }

    @Override
    public int count() {
        return documents.size();
    }

    @Override
    public boolean isEmpty() {
        return documents.isEmpty();
    }

    @Override
    protected Document getDocument(Object position) {
        return decode(documents.get(Missing.ofNullable(position)));
    }

    @Override
    protected void removeDocument(Object position) {
        if (documents.remove(Missing.ofNullable(position)) == null) {
            throw new NoSuchElementException("no document with _id " + position + " in " + getFullName());
        }
    }

    @Override
    protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
        return documents.entrySet().stream()
            .map(entry -> new DocumentWithPosition<>(decode(entry.getValue()), entry.getKey()));
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        Stream<Document> stream;
        if (isNaturalDescending(orderBy)) {
            stream = streamAllDocumentsWithPosition()
                .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
                .map(DocumentWithPosition::getDocument);
        } else {
            stream = documents.values().stream().map(BsonCollection::decode);
        }
        return matchDocumentsFromStream(stream, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
        documents.put(Missing.ofNullable(position), BsonStorage.encodeDocument(newDocument));
    }

    private static Document decode(byte[] bytes) {
        return bytes == null ? null : BsonStorage.decodeDocument(bytes);
    }
}
