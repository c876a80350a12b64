// A US-only shop: opt-out mode, so the categories enabled by default are accepted at once and
// their scripts run before the visitor chooses.
import * as CookieConsent from 'vanilla-cookieconsent';

const config = {
  mode: 'opt-out',
  categories: {
    necessary: {readOnly: true},
    analytics: {enabled: true},
    marketing: {enabled: true},
    surveys: {enabled: false},
  },
  language: {default: 'en', translations: {en: './lang/en.json'}},
};

CookieConsent.run(config);
