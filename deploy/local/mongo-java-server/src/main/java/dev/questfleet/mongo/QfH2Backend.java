package dev.questfleet.mongo;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * {@link H2Backend} whose collections store BSON instead of Java-serialized objects ({@link StorageTypes})
 * and plan two query shapes Quest Fleet uses on every write better than mongo-java-server 1.47 does (see
 * {@link QfH2Collection}). Behaviour is unchanged; the file format differs from the plain backend's, and
 * {@link StorageFormat} keeps either from opening the other's file.
 */
final class QfH2Backend extends H2Backend {

    QfH2Backend(MVStore mvStore) {
        super(mvStore);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return QfH2Database.open(databaseName, getMvStore(), getCursorRegistry());
    }
}
