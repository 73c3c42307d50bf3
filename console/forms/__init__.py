"""Field capture: the forms (XLSForm/XForm, built from the instruments), the
OpenRosa endpoints ODK Collect, KoboCollect and Enketo speak, imports of
KoboToolbox and ODK Central exports, the console's page of them, and
setting up a phone with a device key and a QR code."""

from fastapi import APIRouter

from console.forms import devices, imports, openrosa, pages

router = APIRouter()
router.include_router(openrosa.router)
router.include_router(imports.router)
router.include_router(pages.router)
router.include_router(devices.router)
