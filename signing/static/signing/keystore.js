/* The investor's keys on this device: WebCrypto and IndexedDB helpers shared by the certificate
   and signing steps.

   A private key is an ECDSA P-256 key made here. It is kept only wrapped: AES-GCM-256 with a key
   derived from the certificate password by PBKDF2-SHA256 (600,000 iterations, random 16-byte
   salt, random 12-byte iv), in the IndexedDB database "onboarding-keys", one record per
   certificate serial. Unwrapped, it is a non-extractable CryptoKey that lives in memory only for
   one signing session; it is never sent anywhere. */
(function () {
  "use strict";

  var DB_NAME = "onboarding-keys";
  var STORE = "keys";
  var ITERATIONS = 600000;
  var CURVE = { name: "ECDSA", namedCurve: "P-256" };
  var SIGNING = { name: "ECDSA", hash: "SHA-256" };

  function available() {
    return !!(window.crypto && window.crypto.subtle && window.indexedDB && window.isSecureContext);
  }

  // --- bytes ------------------------------------------------------------------------------
  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text);
  }

  function fromBase64(text) {
    var raw = window.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function random(length) {
    return window.crypto.getRandomValues(new Uint8Array(length));
  }

  // --- IndexedDB --------------------------------------------------------------------------
  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  function open() {
    var opening = window.indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore(STORE, { keyPath: "serial" });
    };
    return request(opening);
  }

  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        // A failed request aborts the transaction, which rejects below.
        request(work(transaction.objectStore(STORE)))
          .then(function (value) { result = value; }, function () {});
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error || new Error("IndexedDB transaction failed"));
        };
      });
    });
  }

  function find(serial) {
    if (!serial) { return Promise.resolve(null); }
    return withStore("readonly", function (store) { return store.get(serial); })
      .then(function (record) { return record || null; });
  }

  function save(record) {
    return withStore("readwrite", function (store) { return store.put(record); });
  }

  // --- keys -------------------------------------------------------------------------------
  function generate() {
    // Extractable only so that it can be wrapped; the wrapped copy is all that is kept.
    return window.crypto.subtle.generateKey(CURVE, true, ["sign", "verify"]);
  }

  function passwordKey(password, salt, iterations) {
    var encoded = new TextEncoder().encode(password);
    return window.crypto.subtle.importKey("raw", encoded, "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return window.crypto.subtle.deriveKey(
          { name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
      });
  }

  /* {wrapped, salt, iv, iterations}: what a record keeps of the private key. */
  function wrap(privateKey, password) {
    var salt = random(16);
    var iv = random(12);
    return passwordKey(password, salt, ITERATIONS).then(function (aes) {
      return window.crypto.subtle.wrapKey("pkcs8", privateKey, aes, { name: "AES-GCM", iv: iv });
    }).then(function (wrapped) {
      return { wrapped: wrapped, salt: salt.buffer, iv: iv.buffer, iterations: ITERATIONS };
    });
  }

  /* The private key of a record, usable to sign and not extractable. A wrong password fails
     with a DOMException named "OperationError" (AES-GCM's authentication tag). */
  function unwrap(record, password) {
    return passwordKey(password, new Uint8Array(record.salt), record.iterations)
      .then(function (aes) {
        return window.crypto.subtle.unwrapKey(
          "pkcs8", record.wrapped_key, aes, { name: "AES-GCM", iv: new Uint8Array(record.iv) },
          CURVE, false, ["sign"]);
      });
  }

  /* ECDSA with SHA-256 over `bytes` (WebCrypto hashes them itself): 64 bytes r‖s. */
  function sign(privateKey, bytes) {
    return window.crypto.subtle.sign(SIGNING, privateKey, bytes);
  }

  function exportPublic(publicKey) {
    return window.crypto.subtle.exportKey("spki", publicKey);
  }

  // --- the server ---------------------------------------------------------------------------
  /* POST form fields; resolves {ok, status, body} (body: the JSON answer, or {} when the answer
     is not JSON), rejects only when the network fails. */
  function post(url, csrf, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    Object.keys(fields || {}).forEach(function (name) { body.append(name, fields[name]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return { ok: response.ok, status: response.status, body: json };
        });
      });
  }

  /* A step's "下一步" button (absent when the step is locked). */
  function nextButton(form) {
    return form.querySelector("button[name=action][value=next]");
  }

  /* Enter in a password field would submit the step's form with its first button ("上一步"):
     run the step's own action instead. */
  function onEnter(input, action) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        action();
      }
    });
  }

  window.OnboardingKeys = {
    available: available, toBase64: toBase64, fromBase64: fromBase64, find: find, save: save,
    open: open, generate: generate, wrap: wrap, unwrap: unwrap, sign: sign,
    exportPublic: exportPublic, post: post, nextButton: nextButton, onEnter: onEnter
  };
}());
