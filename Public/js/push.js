// Web Push on this device: the browser's subscription (PushManager, through the service worker)
// and its row on the server. The server learns only the push service's address and the keys
// that encrypt for this browser; what it sends says only that there is a message or a reminder.
import { get, post, del, enc } from './api.js';
import { localGet, localSet, localRemove } from './storage.js';

const KEY = 'ohjaustila.pushSubscriptionId';

/** 'unsupported' | 'denied' | 'off' | 'on' for this browser. */
export async function pushState() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  return subscription && localGet(KEY) ? 'on' : 'off';
}

/** The id of this device's row on the server, when it has one. */
export function thisDeviceId() {
  return localGet(KEY);
}

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((base64url.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Asks the browser's permission, subscribes and stores the subscription on the server. Throws
 *  an Error with code 'push.denied' when the person (or the browser) says no. */
export async function enablePush(label, { signal } = {}) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw Object.assign(new Error('push.denied'), { code: 'push.denied' });
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await get('/api/v1/push/key', { signal });
  let subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    // a subscription made with another key (another server) cannot be used
    const current = subscription.options && subscription.options.applicationServerKey;
    const wanted = keyBytes(publicKey);
    const same = current && new Uint8Array(current).every((b, i) => b === wanted[i]);
    if (!same) {
      await subscription.unsubscribe();
      subscription = null;
    }
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  }
  const saved = await post('/api/v1/me/push-subscriptions', { ...subscription.toJSON(), label }, { signal });
  localSet(KEY, saved.id);
  return saved;
}

/** Removes this device's subscription here and on the server. */
export async function disablePush({ signal } = {}) {
  const id = localGet(KEY);
  localRemove(KEY);
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  if (subscription) await subscription.unsubscribe();
  if (id) {
    try {
      await del(`/api/v1/me/push-subscriptions/${enc(id)}`, { signal });
    } catch (error) {
      if (error.status !== 404) throw error;
    }
  }
}

/** Signing out: this device stops getting the account's notifications. */
export async function forgetThisDevice() {
  try {
    if (localGet(KEY)) await disablePush();
  } catch {
    // signing out goes on; the server forgets the subscription when the push service says it is gone
  }
}
