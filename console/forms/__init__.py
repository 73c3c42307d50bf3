"""Field capture: the forms (XLSForm/XForm, built from the instruments), the
OpenRosa endpoints ODK Collect, KoboCollect and Enketo speak, imports of
KoboToolbox and ODK Central exports, and the console's page of them."""

from fastapi import APIRouter

from console.forms import imports, openrosa, pages

router = APIRouter()
router.include_router(openrosa.router)
router.include_router(imports.router)
router.include_router(pages.router)
