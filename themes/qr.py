import qrcode
import qrcode.image.svg


def qr_svg(url: str) -> str:
    """An inline SVG QR code: drawn on the server, so the page loads nothing from outside."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
