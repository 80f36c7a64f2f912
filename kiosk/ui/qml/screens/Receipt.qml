import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: session.receipt.submitted || ""; color: Theme.success }
        KText { width: parent.width; text: session.receipt.item || "" }
        KText { width: parent.width; color: Theme.muted; text: qsTr("Tracking number") }
        KText {
            objectName: "trackingNo"
            width: parent.width
            font.pixelSize: Theme.fontHuge
            font.bold: true
            text: session.receipt.trackingNo || ""
        }
        Image {
            objectName: "receiptQr"
            anchors.horizontalCenter: parent.horizontalCenter
            source: session.receipt.qr || ""
            cache: false
            sourceSize.width: Theme.minTouch * 4
            sourceSize.height: Theme.minTouch * 4
            width: Theme.minTouch * 4
            height: width
        }
        KText { width: parent.width; text: session.receipt.nextSteps || "" }
        KText { width: parent.width; color: Theme.muted; text: session.receipt.time || "" }
    }
    Row {
        anchors { bottom: parent.bottom; right: parent.right }
        spacing: Theme.spacing
        BigButton {
            objectName: "finish"
            text: qsTr("Finish")
            onClicked: session.finish()
        }
        BigButton {
            objectName: "continueToRating"
            primary: true
            text: qsTr("Rate this service")
            onClicked: session.continueToRating()
        }
    }
}
